/* global URL, console -- a Node script */
// Writes the JSON Schemas of the definition languages for editors (docs/schemas/). Run through
// `npm run schemas` after changing packages/contracts; a test fails while a file is out of date.
import fs from 'node:fs';
import { segmentDefinitionJsonSchema } from '../packages/contracts/dist/index.js';

const out = new URL('../docs/schemas/segment-definition.schema.json', import.meta.url);
fs.writeFileSync(out, `${JSON.stringify(segmentDefinitionJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
