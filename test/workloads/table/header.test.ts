import { detectHeader } from '../../../src/workloads/table/header';

const rows = (text: string) => text.trim().split('\n').map((line) => line.split(','));

test.each([
  ['names over numbers', 'a,b,y\n1,2,0\n3,4,1', true],
  ['numbers only', '1,2,0\n3,4,1', false],
  ['names over text that never repeats them', 'Class,Sex,Survived\n1st,Male,No\n3rd,Female,Yes\nCrew,Male,No', true],
  ['text rows whose first row repeats below', 'Male,Adult,No\nFemale,Child,Yes\nMale,Adult,No\nFemale,Adult,Yes', false],
  ['a numeric first cell counts against', '2019,x\n1,a\n2,b', false],
  ['an empty name among names over numbers', ',price,y\n1,2,0\n2,3,1', true],
  ['repeated names over texts are data', 'a,a,y\nb,c,d\ne,f,g', false],
  ['a name used twice over numbers is a header', 'x,x,z,y\n1,2,3,a\n4,5,6,b', true],
  ['a header alone', 'a,b,y', true],
  ['one numeric row alone', '1,2,3', false],
])('%s → %p', (_name, text, expected) => {
  expect(detectHeader(rows(text))).toBe(expected);
});
