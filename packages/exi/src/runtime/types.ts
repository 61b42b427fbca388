/** Binary content (xs:hexBinary, xs:base64Binary) in the JSON form: lowercase hex digits. */
export type HexBinary = string;
/** A 64-bit or unbounded integer: a number when exact, otherwise a bigint (a decimal string in JSON). */
export type Int64 = number | bigint;
