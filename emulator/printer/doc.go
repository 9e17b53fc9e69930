// Package printer models the receipt printer on the emulator's printer
// port: a 58 or 80 mm ESC/POS thermal printer with the status, faults and
// receive buffer of a real one. A streaming decoder takes the host's bytes
// split anywhere; the model composes lines as the printer's print buffer
// does, lays them, images, barcodes and QR codes out on a paper roll that
// cuts split into receipts, and keeps each receipt both as a structured text
// form (lines with alignment, size and style; barcode and QR payloads) and
// as a record it draws dot for dot on demand (Raster, PNG). Real-time
// requests (DLE EOT, DLE ENQ, DLE DC4) are answered between commands,
// online or offline, and never inside a command's parameters or data. What
// the printer did is published on the event bus: "receipt" on every cut,
// "status" on every fault change, "drawer", "overflow" and "decode-error".
// docs/printer.md describes the choices where manuals are silent or
// disagree: the initial 2-byte GB mode of Chinese printers (Options.SingleByte
// for an Epson-style start), the cell geometry drawn with GNU Unifont, and
// what happens to data beyond the receive buffer while offline (it is
// dropped and counted, as on a serial printer whose host ignores BUSY).
package printer
