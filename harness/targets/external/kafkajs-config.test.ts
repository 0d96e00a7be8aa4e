// kafkajs config from a cluster's security: plaintext, TLS and each SASL mechanism map one to one.
import { describe, expect, it } from "vitest";
import { kafkaJsConfig } from "./kafkajs-config.ts";

describe("kafkaJsConfig", () => {
  it("gives plaintext clusters only their brokers", () => {
    expect(kafkaJsConfig({ bootstrap: ["127.0.0.1:9092", "127.0.0.1:9093"], security: {} })).toEqual({
      brokers: ["127.0.0.1:9092", "127.0.0.1:9093"],
    });
  });

  it("passes TLS material and SASL credentials through", () => {
    for (const mechanism of ["plain", "scram-sha-256", "scram-sha-512"] as const) {
      const config = kafkaJsConfig({
        bootstrap: ["b:9093"],
        security: { ssl: { ca: "CA PEM", rejectUnauthorized: false }, sasl: { mechanism, username: "u", password: "p" } },
      });
      expect(config).toEqual({
        brokers: ["b:9093"],
        ssl: { ca: "CA PEM", rejectUnauthorized: false },
        sasl: { mechanism, username: "u", password: "p" },
      });
    }
    expect(kafkaJsConfig({ bootstrap: ["b:9093"], security: { ssl: true } }).ssl).toBe(true);
  });

  it("merges overrides and does not share arrays with the cluster", () => {
    const bootstrap = ["b:9092"];
    const config = kafkaJsConfig({ bootstrap, security: {} }, { clientId: "w1", requestTimeout: 5000 });
    expect(config).toEqual({ brokers: ["b:9092"], clientId: "w1", requestTimeout: 5000 });
    (config.brokers as string[]).push("c:9092");
    expect(bootstrap).toEqual(["b:9092"]);
  });
});
