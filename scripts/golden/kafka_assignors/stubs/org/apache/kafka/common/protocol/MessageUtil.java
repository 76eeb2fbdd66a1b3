// Stand-in for Kafka's MessageUtil: only the two limits that Struct imports.
// (The real class pulls in the generated-message machinery.)
package org.apache.kafka.common.protocol;

public final class MessageUtil {
    public static final long UNSIGNED_INT_MAX = 0xFFFFFFFFL;
    public static final int UNSIGNED_SHORT_MAX = 0xFFFF;

    private MessageUtil() { }
}
