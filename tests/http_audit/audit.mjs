// The graphql-http server audits against the GraphQL endpoint at the URL given as the first
// argument: one JSON line per audit (id, name, status ok/notice/warn/error, reason).
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://HOST:PORT/graphql');
  process.exit(2);
}

for (const { fn } of serverAudits({ url, fetchFn: fetch })) {
  const { id, name, status, reason } = await fn();
  console.log(JSON.stringify({ id, name, status, reason: reason ?? null }));
}
