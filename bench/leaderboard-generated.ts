/**
 * Two seeded tables written here, shaped like public ones (not public data: they do not
 * count among the leaderboard's public workloads): births like MASS's birthwt and
 * passengers like R's Titanic, with the text categories and missing cells users bring.
 */
import * as fs from 'node:fs';
import { createRandom } from '../src/util/random';

/** Seeded table shaped like MASS's birthwt: 189 births, low birth weight (yes/no) from the mother's data. */
export function birthWeight(file: string): void {
  const random = createRandom(189);
  const lines = ['"","age","lwt","race","smoke","ptl","ht","ui","ftv","low"'];
  const races = ['white', 'black', 'other'];
  for (let i = 0; i < 189; i++) {
    const age = 14 + Math.floor(random() * 22);
    const lwt = Math.round(85 + 120 * random() ** 1.5);
    const race = Math.floor(random() ** 1.3 * 3);
    const smoke = random() < 0.39;
    const ptl = random() < 0.84 ? 0 : 1 + Math.floor(random() * 2);
    const ht = random() < 0.06;
    const ui = random() < 0.15;
    const ftv = Math.floor(random() ** 2 * 5);
    const logit = -0.6 - 0.012 * (lwt - 130) - 0.03 * (age - 23) + 0.9 * Number(smoke) + 0.6 * ptl + 1.6 * Number(ht) + 0.7 * Number(ui) + (race > 0 ? 0.8 : 0);
    const low = random() < 1 / (1 + Math.exp(-logit));
    // Missing cells as users bring them: an empty weight, an NA visit count.
    const lwtCell = random() < 0.04 ? '' : String(lwt);
    const ftvCell = random() < 0.05 ? 'NA' : String(ftv);
    lines.push(`"${i + 1}",${age},${lwtCell},"${races[race]}","${smoke ? 'yes' : 'no'}",${ptl},"${ht ? 'yes' : 'no'}","${ui ? 'yes' : 'no'}",${ftvCell},"${low ? 'yes' : 'no'}"`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Seeded table shaped like R's Titanic, one row a passenger: 2,201 rows, every column text, some ports missing. */
export function passengers(file: string): void {
  const random = createRandom(2201);
  const classes: [string, number, number][] = [
    ['1st', 325, 0.9],
    ['2nd', 285, 0.2],
    ['3rd', 706, -0.9],
    ['Crew', 885, -0.7],
  ];
  const lines = ['"Class","Sex","Age","Embarked","Survived"'];
  for (const [name, count, effect] of classes) {
    for (let i = 0; i < count; i++) {
      const female = random() < (name === 'Crew' ? 0.03 : 0.4);
      const child = name !== 'Crew' && random() < 0.09;
      const port = random() < 0.02 ? '' : `"${['Southampton', 'Cherbourg', 'Queenstown'][Math.floor(random() ** 1.8 * 3)]}"`;
      const logit = -1.2 + effect + (female ? 2.3 : 0) + (child ? 1.0 : 0) + (port === '"Cherbourg"' ? 0.3 : 0);
      const survived = random() < 1 / (1 + Math.exp(-logit));
      lines.push(`"${name}","${female ? 'Female' : 'Male'}","${child ? 'Child' : 'Adult'}",${port},"${survived ? 'Yes' : 'No'}"`);
    }
  }
  // Shuffled, as an export of a database would not be sorted by class.
  const body = lines.slice(1);
  for (let i = body.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [body[i], body[j]] = [body[j], body[i]];
  }
  fs.writeFileSync(file, `${[lines[0], ...body].join('\n')}\n`);
}
