import { formatSummary } from '../../src/report/terminal';
import { documentVariants } from '../helpers/documents';

/**
 * The terminal summary of `autobatch probe`, pinned character for character on a recorded
 * document and on two made from it that take its other branches (test/helpers/documents.ts).
 * A change to the summary's text is made on purpose: then `npx jest -u` and say why.
 */
describe('formatSummary', () => {
  test.each(Object.entries(documentVariants()))('%s document', (_name, doc) => {
    expect(formatSummary(doc)).toMatchSnapshot();
  });
});
