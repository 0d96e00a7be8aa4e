// Which kafkajs this is (reports name the client library and version beside the broker's), and
// the error for a worker configured in a way kafkajs cannot honour.
import { createRequire } from "node:module";
import { CouldNotRunError } from "../../errors.ts";

const kafkajsPackage = createRequire(import.meta.url)("kafkajs/package.json") as { version: string };

export const KAFKAJS_VERSION: string = kafkajsPackage.version;
export const KAFKAJS_LIBRARY = `kafkajs ${KAFKAJS_VERSION}`;

export class ClientSetupError extends CouldNotRunError {
  constructor(message: string, context: Record<string, unknown>) {
    super(message, "bad-client-settings", context);
  }
}
