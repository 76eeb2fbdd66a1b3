// Stand-in for Kafka's BaseRecords, which Type and Struct mention for the
// RECORDS field type. The assignors never use that type.
package org.apache.kafka.common.record;

public interface BaseRecords {
    int sizeInBytes();
}
