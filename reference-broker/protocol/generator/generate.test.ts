// The committed schema table and types must be exactly what the generator makes of Kafka's
// definitions, so nobody edits generated code by hand or forgets to regenerate.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SPEC_DIR, generate, GENERATED_DIR, interfaceName, lowerCamel, stripLineComments } from "./generate.ts";

const specsPresent = existsSync(DEFAULT_SPEC_DIR);

describe("generate", () => {
  // Users' machines have no copy of the definitions; then there is nothing to compare against.
  it.skipIf(!specsPresent)(`committed output equals the generator's output (skipped without ${DEFAULT_SPEC_DIR})`, () => {
    const generated = generate(DEFAULT_SPEC_DIR);
    for (const [file, text] of Object.entries(generated)) {
      expect(readFileSync(join(GENERATED_DIR, file), "utf8"), `${file} is stale: run the generator`).toBe(text);
    }
  });

  it("strips // comments but not // inside strings", () => {
    const text = '{ "about": "see http://kafka.apache.org", // trailing\n  // whole line\n "a": "q\\"//" }';
    expect(JSON.parse(stripLineComments(text))).toEqual({ about: "see http://kafka.apache.org", a: 'q"//' });
  });

  it("names fields and structs as Kafka's generator does", () => {
    expect(lowerCamel("PartitionIndex")).toBe("partitionIndex");
    expect(lowerCamel("ISRChanges")).toBe("iSRChanges");
    expect(interfaceName("MetadataRequest", "MetadataRequestTopic")).toBe("MetadataRequestTopic");
    expect(interfaceName("ApiVersionsResponse", "ApiVersion")).toBe("ApiVersionsResponseApiVersion");
  });
});
