import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A temporary folder for one test file, removed after it. */
export function tempDir(prefix: string): { dir: () => string; write: (name: string, text: string | Buffer) => string } {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `autobatch-${prefix}-`));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    dir: () => dir,
    write(name, text) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return file;
    },
  };
}

/** CSV text of a small seeded classification problem: two features, string classes. */
export function blobsCsv(rows: number, classes = 3): string {
  const lines = ['x1,x2,kind'];
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    lines.push(`${(c + Math.sin(i) * 0.3).toFixed(4)},${(c * 0.5 + Math.cos(i) * 0.3).toFixed(4)},class_${c}`);
  }
  return `${lines.join('\n')}\n`;
}
