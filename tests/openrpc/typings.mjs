// Writes TypeScript types for an app's functions from its live
// rpc.discover document, with the OpenRPC project's @open-rpc/typings.
//
//   node typings.mjs http://127.0.0.1:3000/rpc client/index.ts
//
// `echo` is left out: the wire contract fixes its param name `Service Name`,
// which the generator writes as a bare identifier, so its output would not
// compile. `rpc.discover` is left out as well: its result is the document
// itself, which @open-rpc/meta-schema types better.

import schemaUtils from "@open-rpc/schema-utils-js";
import typingsModule from "@open-rpc/typings";
import { writeFileSync } from "node:fs";
import { discover } from "./discover.mjs";

const [endpoint, output] = process.argv.slice(2);
const LEFT_OUT = ["echo", "rpc.discover"];

const raw = await discover(endpoint);
raw.methods = raw.methods.filter((method) => !LEFT_OUT.includes(method.name));
const document = await schemaUtils.parseOpenRPCDocument(raw);
const Typings = typingsModule.default ?? typingsModule;
writeFileSync(output, new Typings(document).toString("typescript"));
console.log(`types for ${raw.methods.map((method) => method.name).join(", ")} in ${output}`);
