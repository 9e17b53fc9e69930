// Package font is the bitmap font the emulator draws text with: the operator
// LCD model renders its text commands through it, and the printer model is
// meant to as well. It embeds a subset of GNU Unifont (8×16 halfwidth and
// 16×16 fullwidth glyphs) that covers ASCII, Latin-1, the usual punctuation,
// currency and box-drawing symbols, and every GB2312 character, so Chinese
// prompts such as 确认支付 come out legible; PROVENANCE.md records where the
// glyphs come from, under which licence, and how to regenerate them. Faces
// are immutable and safe for concurrent use; Draw writes pixels into any
// draw.Image and FontFace adapts a face to golang.org/x/image/font.
package font
