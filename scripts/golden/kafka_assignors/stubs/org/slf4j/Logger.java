// Stand-in for the SLF4J Logger interface: every level is off and every call
// does nothing. Only the methods the compiled Kafka classes use are declared.
package org.slf4j;

public interface Logger {
    default boolean isTraceEnabled() { return false; }
    default boolean isDebugEnabled() { return false; }
    default boolean isInfoEnabled() { return false; }
    default boolean isWarnEnabled() { return false; }
    default boolean isErrorEnabled() { return false; }
    default void trace(String msg, Object... args) { }
    default void debug(String msg, Object... args) { }
    default void info(String msg, Object... args) { }
    default void warn(String msg, Object... args) { }
    default void error(String msg, Object... args) { }
}
