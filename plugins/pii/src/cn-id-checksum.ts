const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCharacters = '10X98765432';

/** The check character (`0`-`9` or `X`) for the first 17 digits of a Chinese resident identity number. */
export function cnIdChecksumCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index++) sum += (first17.charCodeAt(index) - 48) * (weights[index] as number);
  return checkCharacters[sum % 11] as string;
}

/**
 * Validates the check character of an 18-character Chinese resident identity number (GB 11643-1999,
 * ISO 7064 MOD 11-2): the weighted sum of the first 17 digits modulo 11 selects the last character,
 * `X` standing for 10. Also checks that the birth date is a real calendar date.
 */
export function isChineseIdValid(id: string): boolean {
  if (id.length !== 18) return false;
  for (let index = 0; index < 17; index++) {
    const digit = id.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
  }
  if (id[17]?.toUpperCase() !== cnIdChecksumCharacter(id)) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
