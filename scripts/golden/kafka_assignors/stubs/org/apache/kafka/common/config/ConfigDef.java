// Stand-in for Kafka's ConfigDef: just the shape that common.utils.Utils
// (mergeConfigs) compiles against. The real class pulls in the client, SSL,
// SASL and broker security configuration, which the assignors never use.
package org.apache.kafka.common.config;

import java.util.LinkedHashMap;
import java.util.Map;

public class ConfigDef {
    public static class ConfigKey {
        public final String name;

        public ConfigKey(String name) {
            this.name = name;
        }
    }

    private final Map<String, ConfigKey> configKeys = new LinkedHashMap<>();

    public Map<String, ConfigKey> configKeys() {
        return configKeys;
    }

    public ConfigDef define(ConfigKey key) {
        configKeys.put(key.name, key);
        return this;
    }
}
