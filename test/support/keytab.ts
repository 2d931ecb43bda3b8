// Keytabs for the unit tier: MIT's file format (0x0502), written for the principals a test names; and a CA
// certificate's PEM form (its syntax only: nothing here verifies with it).

/** A keytab in MIT's format (0x0502) with one AES key per principal, and a deleted entry's hole: base64. */
export function keytabBase64(principals: string[]): string {
  const counted = (text: string) => { const b = Buffer.from(text); const l = Buffer.alloc(2); l.writeUInt16BE(b.length); return Buffer.concat([l, b]); };
  const int = (n: number, bytes: number) => { const b = Buffer.alloc(bytes); b.writeIntBE(n, 0, bytes); return b; };
  const entries = principals.map((p) => {
    const [name, r] = p.split("@");
    const components = name.split("/");
    const body = Buffer.concat([int(components.length, 2), counted(r), ...components.map(counted), int(1, 4), int(0, 4), int(1, 1), int(18, 2), counted("k".repeat(32)), int(1, 4)]);
    return Buffer.concat([int(body.length, 4), body]);
  });
  return Buffer.concat([Buffer.from([5, 2]), int(-7, 4), Buffer.alloc(7), ...entries]).toString("base64");
}

/** A CA certificate as PEM text, for settings that take one (syntax only). */
export const testCaPem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTESTTESTTESTTESTTESTTESTTESTTEswCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n";
