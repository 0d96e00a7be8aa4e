// A topic's effective settings on this broker: the log's (segments, retention, flush, timestamps)
// and the ones the produce path checks (max.message.bytes, min.insync.replicas), from the topic's
// overrides over the broker's settings over Kafka's defaults.
import type { BrokerConfig } from "../config/broker-config.ts";
import { DEFAULT_LOG_CONFIG, type LogConfig } from "../log/log-config.ts";
import { effectiveTopicConfig } from "../metadata/topic-config.ts";

export interface TopicSettings {
  log: LogConfig;
  maxMessageBytes: number;
  minInsyncReplicas: number;
}

export function topicSettings(overrides: ReadonlyMap<string, string>, brokerConfig: BrokerConfig): TopicSettings {
  const effective = effectiveTopicConfig(overrides, brokerConfig.values);
  return {
    log: {
      ...DEFAULT_LOG_CONFIG,
      segmentBytes: effective.segmentBytes,
      segmentMs: effective.segmentMs,
      retentionMs: effective.retentionMs,
      retentionBytes: effective.retentionBytes,
      flushMessages: effective.flushMessages,
      flushMs: effective.flushMs,
      messageTimestampType: effective.logAppendTime ? "LogAppendTime" : "CreateTime",
    },
    maxMessageBytes: effective.maxMessageBytes,
    minInsyncReplicas: effective.minInsyncReplicas,
  };
}
