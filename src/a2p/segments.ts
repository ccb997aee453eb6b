/**
 * SMS segments, as carriers count them: a text in the GSM 03.38 alphabet fits 160 characters in
 * one segment and 153 per segment when split; any other character makes the whole text UCS-2, 70
 * and 67. (The extension table's characters count twice in GSM-7.)
 */
const GSM_BASIC = new Set(Array.from('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'))
const GSM_EXTENDED = new Set(Array.from('^{}\\[~]|€\f'))

export function segmentCount (text: string): number {
  let septets = 0
  let gsm = true
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) septets++
    else if (GSM_EXTENDED.has(ch)) septets += 2
    else {
      gsm = false
      break
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153)
  // UCS-2 counts UTF-16 code units (a character outside the BMP takes two).
  const units = text.length
  return units <= 70 ? 1 : Math.ceil(units / 67)
}
