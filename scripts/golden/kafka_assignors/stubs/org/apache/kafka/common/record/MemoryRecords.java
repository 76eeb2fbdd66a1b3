// Stand-in for Kafka's MemoryRecords: a plain buffer wrapper, enough for the
// RECORDS field type in Type to compile. The assignors never use it.
package org.apache.kafka.common.record;

import java.nio.ByteBuffer;

public final class MemoryRecords implements BaseRecords {
    private final ByteBuffer buffer;

    private MemoryRecords(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    public static MemoryRecords readableRecords(ByteBuffer buffer) {
        return new MemoryRecords(buffer);
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public int sizeInBytes() {
        return buffer.limit();
    }
}
