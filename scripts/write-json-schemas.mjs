/* global URL, console -- a Node script */
// Writes the JSON Schemas of the definition languages for editors (docs/schemas/). Run through
// `npm run schemas` after changing packages/contracts; a test fails while a file is out of date.
import fs from 'node:fs';
import {
  journeyDefinitionJsonSchema,
  segmentDefinitionJsonSchema,
} from '../packages/contracts/dist/index.js';

for (const [name, schema] of [
  ['segment-definition', segmentDefinitionJsonSchema()],
  ['journey-definition', journeyDefinitionJsonSchema()],
]) {
  const out = new URL(`../docs/schemas/${name}.schema.json`, import.meta.url);
  fs.writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${out.pathname}`);
}
