// Ticket files and their signatures (the README's "Ticket files and their signatures"):
//
//   body        = the file's bytes without its leading "#" comment lines
//   message     = "<X-Timestamp>.<X-Nonce>." + body
//   X-Signature = hex(HMAC-SHA256(key = the secret's UTF-8 bytes, message))
//
// A file from /api/csv/generate carries its own X-Signature, X-Nonce and X-Timestamp in its
// comment lines: those are sent as they are. Any other file is signed here, with WebCrypto,
// so the secret never leaves the page.

const encoder = new TextEncoder();
const HASH = 0x23; // "#"
const LF = 0x0a;

/** The leading `# Name: value` lines (names lower-cased) and the offset where the body starts. */
export function commentFields(bytes) {
  const fields = {};
  let position = 0;
  while (position < bytes.length && bytes[position] === HASH) {
    let end = bytes.indexOf(LF, position);
    end = end === -1 ? bytes.length : end + 1;
    const line = new TextDecoder().decode(bytes.subarray(position, end)).replace(/\r?\n$/, "");
    const match = /^#\s*([A-Za-z0-9-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (match) fields[match[1].toLowerCase()] = match[2];
    position = end;
  }
  return { fields, bodyStart: position };
}

export function base64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function nonce() {
  const random = crypto.getRandomValues(new Uint8Array(18));
  return base64(random).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/** The headers a file needs: its own (a generated file's), else signed with `secret`. */
export async function signatureHeaders(bytes, secret) {
  const { fields, bodyStart } = commentFields(bytes);
  if (fields["x-signature"] && fields["x-nonce"] && fields["x-timestamp"]) {
    return {
      "X-Signature": fields["x-signature"],
      "X-Nonce": fields["x-nonce"],
      "X-Timestamp": fields["x-timestamp"],
    };
  }
  if (!secret) throw new Error("this file is not signed: enter your signing secret (or create one)");
  if (!crypto.subtle) throw new Error("signing needs a secure page (https, or localhost)");
  const timestamp = String(Math.floor(Date.now() / 1000));
  const once = nonce();
  const prefix = encoder.encode(`${timestamp}.${once}.`);
  const body = bytes.subarray(bodyStart);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  const key = await crypto.subtle.importKey(
    "raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  const hex = [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { "X-Signature": hex, "X-Nonce": once, "X-Timestamp": timestamp };
}
