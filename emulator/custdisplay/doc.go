// Package custdisplay models the customer-facing pole display (a 20×2 VFD
// on a serial line): it decodes the Epson DM-D command set and the CD5220
// string commands from arbitrarily split byte streams, keeps what the
// customer would see (characters, cursor, brightness, scroll mode, the lamp
// of 8-digit LED units) and publishes every visible change on the event
// bus. The display never answers the host, so the model has no writer.
//
// Choices where the device manuals are silent or disagree, so tests and
// drivers know what they are checking against:
//
//   - Both command families are decoded whatever the profile's command set
//     says; the profile only tells the driver which family to send. The two
//     families do not overlap, so nothing is ambiguous.
//   - Writing a character in the last column leaves the cursor there with a
//     wrap owed; the wrap (or, in vertical scroll mode on the last line, the
//     scroll) happens when the next character arrives. So exactly Columns
//     characters fill a line without scrolling it away, and Cursor reports
//     the last column meanwhile. CR, BS and cursor moves cancel the owed wrap.
//   - BS, HT, LF and US LF at the edges behave per mode as the DM-D110
//     specification describes (overwrite wraps around, vertical scroll
//     scrolls, horizontal scroll shifts the line or stays put).
//   - US $ x y and ESC l x y outside 1..Columns × 1..Rows are ignored (the
//     cursor stays), as are brightness and cursor parameters out of range;
//     each is counted in Stats.Ignored and published as "ignored".
//   - Bytes 0x80–0xFF are characters of the selected code table (ESC t n;
//     PC437 at power on), decoded with golang.org/x/text/encoding/charmap.
//   - ESC Q A/B text CR replace the whole upper/lower line and leave the
//     cursor alone; text past the line width is dropped. A control byte
//     before the CR aborts the string (a decode error) and is decoded anew.
//     ESC Q D stores a scrolling message (Marquee); the line shows its
//     first Columns characters, and the next byte received stops it, clears
//     the upper line and homes the cursor, as the CD5220 manual says.
//   - ESC s n sets the lamp of the LED type only for n = '0'..'4'.
//   - Unknown ESC/US sequences and stray control bytes are decode errors:
//     counted, published as "decode-error" with the stream offset, and
//     skipped (the ESC/US and the byte after it; if that byte is itself a
//     control byte, only the ESC/US, and the byte is decoded anew).
package custdisplay
