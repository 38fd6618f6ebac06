// Checks an app's rpc.discover with the OpenRPC project's own tools, as a
// user of that ecosystem would: the document parses (meta-schema valid,
// dereferenced); every method's example params pass MethodCallValidator and
// a wrong param fails it; client-js gets every example's result, and a
// refused call as a JSON-RPC error. Prints what failed and exits 1, if any.
//
//   node check.mjs http://127.0.0.1:3000/rpc

import schemaUtils from "@open-rpc/schema-utils-js";
import { Client, HTTPTransport, RequestManager } from "@open-rpc/client-js";
import { isDeepStrictEqual } from "node:util";
import { discover } from "./discover.mjs";

const { parseOpenRPCDocument, MethodCallValidator } = schemaUtils;
const endpoint = process.argv[2];
/** A value no param of the app takes: not a number, string, list or enum member. */
const WRONG = { "not a param": true };

const failures = [];
const fail = (what) => failures.push(what);

const document = await parseOpenRPCDocument(await discover(endpoint));
const validator = new MethodCallValidator(document);
const client = new Client(new RequestManager([new HTTPTransport(endpoint)]));

/** The problems a validation found, as text (none: ""). */
function invalid(method, params) {
  try {
    const errors = validator.validate(method, params);
    return errors instanceof Error ? errors.message : errors.map((e) => e.message).join("; ");
  } catch (error) {
    return "the validator threw: " + error.message;
  }
}

let examples = 0;
for (const method of document.methods) {
  for (const example of method.examples || []) {
    examples += 1;
    const params = Object.fromEntries(example.params.map((p) => [p.name, p.value]));
    const problems = invalid(method.name, params);
    if (problems) fail(`${method.name}: its example fails MethodCallValidator: ${problems}`);
    try {
      const result = await client.request({ method: method.name, params });
      if (!isDeepStrictEqual(result, example.result.value)) {
        fail(`${method.name}: client-js got ${JSON.stringify(result)}, the example says ${JSON.stringify(example.result.value)}`);
      }
    } catch (error) {
      fail(`${method.name}: client-js failed on its example: ${error.message}`);
    }
  }
  const first = (method.params || [])[0];
  if (!first) continue;
  const wrong = { [first.name]: WRONG };
  if (!invalid(method.name, wrong)) fail(`${method.name}: MethodCallValidator lets ${first.name} = ${JSON.stringify(WRONG)} through`);
  try {
    await client.request({ method: method.name, params: wrong });
    fail(`${method.name}: a call with a wrong ${first.name} was answered with a result`);
  } catch (error) {
    if (error.code !== -32602) fail(`${method.name}: a wrong param gave ${error.code} ${error.message}, not -32602`);
  }
}
if (!examples) fail("no method lists an example");
client.close();
console.log(`${document.methods.length} methods, ${examples} examples checked with the OpenRPC tools`);
if (failures.length) {
  console.log(failures.join("\n"));
  process.exit(1);
}
