// Writes fixtures/escpos/NAME.bin (ESC/POS made by a third-party
// generator) and NAME.json (what a reader of the slip must find in it).
// Run through ci/escpos-fixtures, which installs the generators in a
// temporary directory and sets NODE_PATH; see docs/escpos-fixtures.md.
'use strict';
const fs = require('fs');
const path = require('path');

const out = process.argv[2];
if (!out) throw new Error('usage: node escpos-fixtures.cjs OUTDIR');
const modules = process.env.NODE_PATH.split(path.delimiter)[0];

function version(pkg) {
  return JSON.parse(fs.readFileSync(path.join(modules, pkg, 'package.json'), 'utf8')).version;
}

const written = [];
// expect: {description, lines, qr, barcodes, cuts, images, chinese_mode_at_start, notes}
function write(name, generator, bytes, expect) {
  const buf = Buffer.from(bytes);
  fs.writeFileSync(path.join(out, name + '.bin'), buf);
  const meta = {
    name,
    generator: { name: generator, version: version(generator) },
    paper: { dots: 384, columns: 32 },
    bytes: buf.length,
    description: expect.description,
    chinese_mode_at_start: !!expect.chinese_mode_at_start,
    lines: expect.lines || [],
    qr: expect.qr || [],
    barcodes: expect.barcodes || [],
    cuts: expect.cuts || 0,
    images: expect.images || 0,
    notes: expect.notes || '',
  };
  fs.writeFileSync(path.join(out, name + '.json'), JSON.stringify(meta, null, 2) + '\n');
  written.push(name);
}

// An image whose raster bytes spell real-time requests and a cut on
// purpose: a printer must take them as dots, not commands.
function trapImage() {
  const w = 24, h = 24;
  const rowBytes = [[0x10, 0x04, 0x01], [0x1d, 0x56, 0x00], [0x10, 0x04, 0x04], [0xff, 0x00, 0xff]];
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const row = rowBytes[y % rowBytes.length];
    for (let x = 0; x < w; x++) {
      const black = (row[x >> 3] & (0x80 >> (x & 7))) !== 0;
      const v = black ? 0 : 255;
      data.set([v, v, v, 255], (y * w + x) * 4);
    }
  }
  return { data, width: w, height: h };
}

// ---- @point-of-sale/receipt-printer-encoder: Latin text, codes, images, cuts
function rpe() {
  const Encoder = require('@point-of-sale/receipt-printer-encoder');
  const gen = '@point-of-sale/receipt-printer-encoder';
  const enc = () => new Encoder({ language: 'esc-pos', columns: 32, printerModel: 'pos-5890' });

  const plain = ['posemu test receipt', 'Line two of the slip', '0123456789 !#$%&()*+,-./', 'END OF SLIP'];
  let e = enc().initialize();
  plain.forEach(l => e.line(l));
  write('rpe-plain', gen, e.encode(), { description: 'plain ASCII lines, no cut', lines: plain });

  e = enc().initialize()
    .bold(true).line('BOLD LINE').bold(false)
    .underline(true).line('UNDERLINED').underline(false)
    .size(2, 2).line('DOUBLE').size(1, 1)
    .size(2, 1).line('WIDE').size(1, 1)
    .align('center').line('centred').align('right').line('right').align('left')
    .line('normal again').cut('partial');
  write('rpe-styles', gen, e.encode(), {
    description: 'bold (ESC E), underline (ESC -), sizes (GS !), alignment (padded with spaces by the generator), partial cut',
    lines: ['BOLD LINE', 'UNDERLINED', 'DOUBLE', 'WIDE', 'centred', 'right', 'normal again'], cuts: 1,
    notes: 'styles: BOLD LINE bold; UNDERLINED underline 1; DOUBLE GS ! 0x11; WIDE GS ! 0x10',
  });

  e = enc().initialize().line('BARCODES')
    .barcode('POSEMU-128', 'code128', 60)
    .barcode('692000000001', 'ean13', 60)
    .line('END').cut('partial');
  write('rpe-barcode', gen, e.encode(), {
    description: 'CODE128 (GS k 73, form B, {B) and EAN13 (GS k 2, form A, 12 digits, NUL-terminated)',
    lines: ['BARCODES', 'END'], cuts: 1,
    barcodes: [{ type: 'CODE128', data: 'POSEMU-128' }, { type: 'EAN13', data: '692000000001' }],
    notes: 'HRI position 0 (none) as the generator sends it; EAN13 check digit is the printer\'s to add (2)',
  });

  const qrs = ['https://qr.alipay.com/bax03431ljhokirwl38f00a7', '20240101123456789012'];
  e = enc().initialize().line('SCAN TO PAY')
    .qrcode(qrs[0], 2, 6, 'm').qrcode(qrs[1], 2, 4, 'h')
    .line('THANK YOU').cut('full');
  write('rpe-qr', gen, e.encode(), {
    description: 'two QR codes (GS ( k model 2, size, level, store, print), full cut',
    lines: ['SCAN TO PAY', 'THANK YOU'], qr: qrs, cuts: 1,
  });

  e = enc().initialize().line('IMAGE BELOW')
    .image(trapImage(), 24, 24, 'threshold', 128)
    .line('IMAGE ABOVE').cut('partial');
  write('rpe-image', gen, e.encode(), {
    description: 'a 24x24 raster image (GS v 0) whose data bytes contain 10 04 01, 1D 56 00 and 10 04 04',
    lines: ['IMAGE BELOW', 'IMAGE ABOVE'], images: 1, cuts: 1,
    notes: 'the DLE EOT and GS V bytes inside the raster data are dots: no status reply, no cut',
  });

  e = enc().initialize()
    .line('RECEIPT ONE').cut('partial')
    .line('RECEIPT TWO').cut('full')
    .line('RECEIPT THREE').cut('partial');
  write('rpe-cuts', gen, e.encode(), {
    description: 'three receipts separated by cuts (GS V 1, GS V 0, GS V 1)',
    lines: ['RECEIPT ONE', 'RECEIPT TWO', 'RECEIPT THREE'], cuts: 3,
  });
}

// printedLines is how a 32-column printer prints line: a character from
// the 2-byte GB range takes two columns, and a line that does not fit
// wraps (a 2-byte character that would straddle the edge goes down whole).
function printedLines(line, cols = 32) {
  const out = [];
  let cur = '', w = 0;
  for (const ch of line) {
    const cw = ch.codePointAt(0) < 0x80 ? 1 : 2;
    if (w + cw > cols) { out.push(cur); cur = ''; w = 0; }
    cur += ch; w += cw;
  }
  out.push(cur);
  return out;
}

// ---- node-thermal-printer: a Chinese slip for a printer in Chinese mode
function ntp() {
  const { ThermalPrinter, PrinterTypes, CharacterSet } = require('node-thermal-printer');
  const gen = 'node-thermal-printer';
  const mk = cs => new ThermalPrinter({
    type: PrinterTypes.EPSON, interface: 'tcp://127.0.0.1:9', width: 32,
    characterSet: cs, removeSpecialCharacters: false,
  });

  let p = mk(CharacterSet.CHINA);
  p.alignCenter(); p.bold(true); p.println('签购单'); p.bold(false);
  p.println('POS SALES SLIP'); p.alignLeft();
  const rows = [
    ['商户名称', '测试商户'], ['商户编号', '123456789012345'], ['终端编号', '12345678'],
    ['卡号', '622202******1234'], ['交易类型', '消费 SALE'], ['凭证号', '000123'],
  ];
  rows.forEach(([l, r]) => p.leftRight(l, r));
  // What node-thermal-printer's leftRight sends: padded to 32 characters.
  const padded = (l, r) => l + ' '.repeat(Math.max(32 - l.length - r.length, 0)) + r;
  p.drawLine();
  p.bold(true); p.leftRight('金额 AMOUNT', 'RMB 12.50'); p.bold(false);
  p.printQR('20240101123456789012', { cellSize: 6, correction: 'M', model: 2 });
  p.code128('000123', { width: 'SMALL', height: 80, text: 2 });
  p.println('持卡人签名 SIGNATURE'); p.cut();
  write('ntp-slip', gen, p.getBuffer(), {
    description: 'Lakala-style slip in GB2312 (EUC-CN) 2-byte codes without FS &, after ESC R 15; label/value lines padded with spaces; QR; CODE128; cut',
    chinese_mode_at_start: true,
    lines: ['签购单', 'POS SALES SLIP', ...rows.map(([l, r]) => padded(l, r)), '-'.repeat(32), padded('金额 AMOUNT', 'RMB 12.50'), '持卡人签名 SIGNATURE']
      .flatMap(l => printedLines(l)).filter(l => l.trim() !== ''),
    qr: ['20240101123456789012'], barcodes: [{ type: 'CODE128', data: '000123' }], cuts: 1,
    notes: 'the generator counts a Chinese character as one column when it pads label/value lines to 32 characters; the printer gives it two, so those lines overflow and wrap: lines lists what the printer prints. GS w 0 (module width 0) is out of range and ignored by a printer',
  });

  p = mk(CharacterSet.PC437_USA);
  p.bold(true); p.println('BOLD'); p.bold(false);
  p.underline(true); p.println('UNDERLINE'); p.underline(false);
  p.setTextDoubleHeight(); p.println('TALL'); p.setTextNormal();
  p.setTextDoubleWidth(); p.println('WIDE'); p.setTextNormal();
  p.setTextQuadArea(); p.println('BIG'); p.setTextNormal();
  p.alignRight(); p.println('right'); p.alignCenter(); p.println('centre'); p.alignLeft();
  p.newLine(); p.println('after a blank line'); p.partialCut();
  write('ntp-styles', gen, p.getBuffer(), {
    description: 'ESC E, ESC -, ESC ! sizes, ESC a alignment, blank line, partial cut (ESC d then GS V)',
    lines: ['BOLD', 'UNDERLINE', 'TALL', 'WIDE', 'BIG', 'right', 'centre', 'after a blank line'], cuts: 1,
  });
}

// ---- receiptline: a Chinese slip in cp936 (FS & … GB18030) on an Epson-style printer
function rl() {
  const receiptline = require('receiptline');
  const gen = 'receiptline';
  const doc = [
    '^签购单',
    'MERCHANT COPY 商户存根',
    '|商户名称| 测试商户|',
    '|终端编号| 12345678|',
    '|卡号| 622202******1234|',
    '|金额 AMOUNT| RMB 12.50|',
    '{code:000123456789;option:code128,2,72,hri}',
    '{code:https://qr.alipay.com/bax03431;option:qrcode,4,m}',
    '重打印 DUPLICATED',
    '=',
    'SECOND SLIP 第二联',
    '=',
  ].join('\n') + '\n';
  const bin = receiptline.transform(doc, { command: 'escpos', cpl: 32, encoding: 'cp936' });
  write('rl-slip', gen, Buffer.from(bin, 'latin1'), {
    description: 'receiptline 2-slip document in cp936: FS & before 2-byte GB18030 text, columns placed with ESC $, CODE128 code set C, QR drawn as a raster graphic (GS 8 L / GS ( L), many TM-series setup commands (ESC M, FS ( A, GS L, GS W, ESC {, GS a, GS r)',
    lines: ['签购单', 'MERCHANT COPY 商户存根', '商户名称 测试商户', '终端编号 12345678',
      '卡号 622202******1234', '金额 AMOUNT RMB 12.50', '重打印 DUPLICATED', 'SECOND SLIP 第二联'],
    barcodes: [{ type: 'CODE128', data: '000123456789' }], images: 1, cuts: 3,
    notes: 'the QR code is an image here, not a GS ( k symbol: no qr payload; columns are positioned with ESC $, not spaces; receiptline also cuts at the end of the document, so the third receipt holds one blank line; the stream ends with GS r 1 (transmit paper status); ^ makes 签购单 double width (GS ! 0x10)',
  });
}

rpe();
ntp();
rl();
console.log(written.join('\n'));
