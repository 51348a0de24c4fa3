/**
 * The Luhn (mod 10) check used by payment card numbers. Spaces and hyphens are ignored; any other
 * non-digit makes the number invalid.
 */
export function isLuhnValid(number: string): boolean {
  let sum = 0;
  let digits = 0;
  let double = false;
  for (let index = number.length - 1; index >= 0; index--) {
    const code = number.charCodeAt(index);
    if (code === 32 || code === 45) continue; // ' ' or '-'
    if (code < 48 || code > 57) return false;
    let digit = code - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    digits++;
    double = !double;
  }
  return digits > 1 && sum % 10 === 0;
}
