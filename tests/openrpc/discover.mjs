// The app's rpc.discover document, as its endpoint answers it.
export async function discover(endpoint) {
  const answer = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", method: "rpc.discover", id: 1 }),
  }).then((response) => response.json());
  return answer.result;
}
