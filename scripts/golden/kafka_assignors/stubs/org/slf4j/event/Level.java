// Stand-in for SLF4J's log levels (common.utils.Utils.swallow switches on them).
package org.slf4j.event;

public enum Level { ERROR, WARN, INFO, DEBUG, TRACE }
