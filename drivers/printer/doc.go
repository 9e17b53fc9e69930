// Package printer drives an ESC/POS thermal receipt printer over any
// port.Port (a serial line, a pty, TCP, later USB): a Document builder that
// lays a slip out for 58 or 80 mm paper and encodes it (styles, sizes,
// alignment, Chinese in 2-byte GB18030, label/value columns, raster
// images, CODE128 and EAN13 barcodes, QR codes, cuts, the cash drawer), and
// a Printer that checks the printer's status (DLE EOT 1–4), prints a
// Document in confirmed chunks, and resumes a slip that a fault
// interrupted.
//
// What "reached paper" means. A printer answers DLE EOT the moment it
// receives it (a real-time command), even with a full receive buffer in
// front of it, so a good DLE EOT status says nothing about the lines before
// it: they may still be waiting in the buffer. GS r 1 is not real-time: the
// printer answers it only when it gets to it, after printing everything
// received before it, and not while it is offline. So the driver follows
// every chunk of Config.Checkpoint segments with GS r 1 and counts a chunk
// as printed (JobError.Printed) only when that reply comes back without the
// paper end bits, and it polls DLE EOT while it waits so a paper out or an
// open cover is seen at once. Chunks sent and not yet confirmed
// (JobError.Sent − Printed) are in the printer's receive buffer; the
// driver keeps them under Config.Window bytes so that they fit, and a
// printer keeps them through a paper out and prints them after the reload.
// Resume therefore first waits for the printer to confirm them, then sends
// only what was never sent (ContinueRemaining, the default): no line is
// printed twice unless the caller asks for ResendUnconfirmed or
// ReprintWhole. The line that was under the head when the paper ran out
// may be lost off the end of the roll on a real printer; the driver cannot
// see that, and a caller who cares reprints the whole slip with
// ReprintWhole|MarkDuplicate ("重打印 DUPLICATED").
//
// Chinese text is sent as 2-byte GB18030 codes between FS & and FS .,
// which prints right on a printer that powers up in Chinese mode (FS & is
// then a no-op; ASCII is the same in both modes) and on one that starts in
// a single-byte code page; FS . afterwards leaves no surprise pairing of
// later bytes. Characters outside the 2-byte range are replaced (¥ by the
// full-width ￥, others by '?'). A Chinese character is two columns wide,
// which Text wrapping and Columns fitting count. Underline (ESC -) applies
// to ASCII only on most printers.
package printer
