/** Redis Cluster has 16384 hash slots; a key's slot is CRC16 (XMODEM) of its hash tag, or of the whole key. */
export const hashSlotCount = 16_384;

const crcTable = buildCrcTable();

function buildCrcTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (crcTable[((crc >> 8) ^ byte) & 0xff] as number);
  return crc;
}

/**
 * The part of a key that Redis Cluster hashes: the text between the first `{` and the first `}` after it,
 * when that is not empty; otherwise the whole key.
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

const encoder = new TextEncoder();

/** The cluster hash slot of a key, as `CLUSTER KEYSLOT` computes it. */
export function hashSlot(key: string): number {
  return crc16(encoder.encode(hashTagOf(key))) % hashSlotCount;
}
