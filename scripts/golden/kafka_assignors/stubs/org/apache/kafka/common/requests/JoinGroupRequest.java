// Stand-in for Kafka's JoinGroupRequest: only the two constants that
// ConsumerGroupMetadata reads. (The real class pulls in the request layer.)
package org.apache.kafka.common.requests;

public final class JoinGroupRequest {
    public static final int UNKNOWN_GENERATION_ID = -1;
    public static final String UNKNOWN_MEMBER_ID = "";

    private JoinGroupRequest() { }
}
