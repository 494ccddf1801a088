import fs from 'node:fs'
import PDFDocument from 'pdfkit'

// The PDFs the app writes (statements of account, write-back receipts, the S/4HANA simulator's invoices): A4 pages
// with a title, header lines, paragraphs and tables, laid out over pdfkit. Text is set in Noto Sans SC, embedded as a
// subset of the glyphs used: the PDF standard fonts (Helvetica and the like) have no Chinese, and an embedded font
// looks the same in every viewer. Noto Sans SC covers Latin (umlauts and ß too) and Simplified Chinese in one family
// (SIL Open Font License).

/** A table column: `width` is its share of the page's text width, relative to the other columns'. */
export interface PdfColumn {
  header: string
  width: number
  /** Amounts are right-aligned, so that their decimals line up. */
  align?: 'left' | 'right'
}

export interface PdfTable {
  kind: 'table'
  columns: PdfColumn[]
  /** One cell text per column; a text wider than its column is cut with an ellipsis. */
  rows: string[][]
}

export type PdfBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  /** A label with an amount in bold, the amount right-aligned at the text's right edge like a table's last column. */
  | { kind: 'amount'; label: string; amount: string }
  | PdfTable

export interface PdfDocument {
  title: string
  /**
   * The date the document is dated: its CreationDate and ModDate. pdfkit derives the file ID in the trailer from
   * these, so with a fixed date the same document gives the same bytes.
   */
  date: Date
  /** Above the title, the first line in bold: who sends the document. */
  letterhead?: string[]
  /** Under the title, as label and value: whom and what the document is about. */
  meta?: Array<[label: string, value: string]>
  blocks: PdfBlock[]
  /** Left in every page's footer; the page number ("2 / 5") is at the right. */
  footer?: string
  /** The text's language (BCP 47, e.g. 'de-DE'): the PDF's /Lang, read by screen readers. */
  language?: string
  /** The PDF's Producer entry. */
  producer?: string
}

// Points (1/72 in). A4 is 595 × 842: with margins of 50 (1.8 cm) the text is 495 wide.
const MARGIN = 50
const FOOTER_HEIGHT = 28
const TITLE_SIZE = 18
const HEADING_SIZE = 11
const TEXT_SIZE = 10
const TABLE_SIZE = 8
const FOOTER_SIZE = 8
/** Left and right of a cell's text, and above and below it. */
const CELL_PADDING = { x: 3, y: 2 }
const MUTED = '#555555'
const RULE = '#999999'

const REGULAR = 'NotoSansSC-Regular'
const BOLD = 'NotoSansSC-Bold'

/** Each font file is about 10 MB: read once per process, not per document (fontkit parses only the tables it needs). */
let fontFiles: { regular: Buffer; bold: Buffer } | undefined
function fonts() {
  fontFiles ??= {
    regular: fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')),
    bold: fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf')),
  }
  return fontFiles
}

export async function renderPdf(document: PdfDocument): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER_HEIGHT },
    // The page numbers need the page count, known only at the end: pages stay in memory until then.
    bufferPages: true,
    lang: document.language,
    displayTitle: true,
    info: {
      Title: document.title,
      Producer: document.producer ?? 'invoice-crm',
      Creator: 'invoice-crm',
      CreationDate: document.date,
      ModDate: document.date,
    },
  })
  const { regular, bold } = fonts()
  doc.registerFont(REGULAR, regular)
  doc.registerFont(BOLD, bold)
  const written = collect(doc)

  const layout = new Layout(doc)
  layout.header(document)
  for (const block of document.blocks) layout.block(block)
  layout.footers(document.footer ?? '')
  doc.end()
  return written
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = []
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
}

/** Writes top down from pdfkit's cursor (doc.y), starting a new page where the next piece would not fit. */
class Layout {
  private readonly left: number
  private readonly width: number

  constructor(private readonly doc: PDFKit.PDFDocument) {
    this.left = doc.page.margins.left
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right
  }

  header({ letterhead = [], title, meta = [] }: PdfDocument) {
    letterhead.forEach((line, i) => this.line(line, { font: i === 0 ? BOLD : REGULAR, size: i === 0 ? HEADING_SIZE : TEXT_SIZE, color: i === 0 ? 'black' : MUTED }))
    if (letterhead.length) this.gap(TEXT_SIZE * 2)
    this.doc.font(BOLD).fontSize(TITLE_SIZE).fillColor('black').text(title, this.left, this.doc.y, { width: this.width })
    this.gap(TEXT_SIZE * 0.6)
    if (!meta.length) return
    this.doc.font(BOLD).fontSize(TEXT_SIZE)
    const labelWidth = Math.max(...meta.map(([label]) => this.doc.widthOfString(label))) + TEXT_SIZE
    for (const [label, value] of meta) {
      const y = this.doc.y
      this.cell(label, this.left, labelWidth, y, { font: BOLD, size: TEXT_SIZE })
      this.cell(value, this.left + labelWidth, this.width - labelWidth, y, { font: REGULAR, size: TEXT_SIZE })
      this.doc.y = y + this.lineHeight(REGULAR, TEXT_SIZE)
    }
    this.gap(TEXT_SIZE)
  }

  block(block: PdfBlock) {
    switch (block.kind) {
      case 'heading':
        this.gap(HEADING_SIZE * 0.8)
        // A heading stays with what follows it: with room for a table's header and first rows, or a paragraph's lines.
        this.ensureRoom(this.lineHeight(BOLD, HEADING_SIZE) + 3 * this.rowHeight())
        this.line(block.text, { font: BOLD, size: HEADING_SIZE })
        this.gap(HEADING_SIZE * 0.3)
        return
      case 'paragraph':
        this.doc.font(REGULAR).fontSize(TEXT_SIZE).fillColor('black').text(block.text, this.left, this.doc.y, { width: this.width })
        this.gap(TEXT_SIZE * 0.6)
        return
      case 'amount': {
        const height = this.lineHeight(BOLD, TEXT_SIZE)
        this.ensureRoom(height)
        const y = this.doc.y
        this.doc.font(BOLD).fontSize(TEXT_SIZE)
        const amountWidth = this.doc.widthOfString(block.amount)
        this.cell(block.label, this.left, this.width - amountWidth - TEXT_SIZE, y, { font: BOLD, size: TEXT_SIZE })
        this.cell(block.amount, this.left, this.width, y, { font: BOLD, size: TEXT_SIZE, align: 'right' })
        this.doc.y = y + height + TEXT_SIZE * 0.4
        return
      }
      case 'table':
        return this.table(block)
    }
  }

  private table({ columns, rows }: PdfTable) {
    const shares = columns.reduce((sum, column) => sum + column.width, 0)
    const widths = columns.map(column => (column.width / shares) * this.width)
    const headerRow = () => {
      this.row(columns.map(column => column.header), columns, widths, BOLD)
      this.rule()
    }
    // Never a header alone at the foot of a page; on every further page the header comes again.
    this.ensureRoom(2 * this.rowHeight())
    headerRow()
    for (const cells of rows) {
      if (!this.fits(this.rowHeight())) {
        this.doc.addPage()
        headerRow()
      }
      this.row(cells, columns, widths, REGULAR)
    }
    this.gap(TEXT_SIZE * 0.6)
  }

  private row(cells: string[], columns: PdfColumn[], widths: number[], font: string) {
    const y = this.doc.y
    let x = this.left
    columns.forEach((column, i) => {
      this.cell(cells[i] ?? '', x + CELL_PADDING.x, widths[i] - 2 * CELL_PADDING.x, y + CELL_PADDING.y, { font, size: TABLE_SIZE, align: column.align })
      x += widths[i]
    })
    this.doc.y = y + this.rowHeight()
  }

  /** Page numbers and footer text on every page, drawn once the page count is known. */
  footers(text: string) {
    const { start, count } = this.doc.bufferedPageRange()
    for (let i = start; i < start + count; i++) {
      this.doc.switchToPage(i)
      const y = this.doc.page.height - MARGIN
      const number = `${i - start + 1} / ${count}`
      this.doc.font(REGULAR).fontSize(FOOTER_SIZE)
      const numberWidth = this.doc.widthOfString(number)
      this.cell(text, this.left, this.width - numberWidth - TEXT_SIZE, y, { font: REGULAR, size: FOOTER_SIZE, color: MUTED })
      this.cell(number, this.left, this.width, y, { font: REGULAR, size: FOOTER_SIZE, color: MUTED, align: 'right' })
    }
  }

  /**
   * One line of text in a box of the given width, cut with an ellipsis if longer. Without lineBreak pdfkit neither
   * wraps nor starts a page, which the footer below the bottom margin relies on.
   */
  private cell(text: string, x: number, width: number, y: number, style: { font: string; size: number; color?: string; align?: 'left' | 'right' }) {
    this.doc.font(style.font).fontSize(style.size).fillColor(style.color ?? 'black')
    const fitted = this.fit(text, width)
    const offset = style.align === 'right' ? width - this.doc.widthOfString(fitted) : 0
    this.doc.text(fitted, x + offset, y, { lineBreak: false })
  }

  private fit(text: string, width: number) {
    if (this.doc.widthOfString(text) <= width) return text
    // By code points, so that no character outside the BMP is cut in half.
    const kept = [...text]
    while (kept.length && this.doc.widthOfString(`${kept.join('')}…`) > width) kept.pop()
    return `${kept.join('').trimEnd()}…`
  }

  private line(text: string, style: { font: string; size: number; color?: string }) {
    const y = this.doc.y
    this.cell(text, this.left, this.width, y, style)
    this.doc.y = y + this.lineHeight(style.font, style.size)
  }

  private rule() {
    const y = this.doc.y + 0.5
    this.doc.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(0.5).strokeColor(RULE).stroke()
    this.doc.y = y + 1
  }

  private rowHeight() {
    return this.lineHeight(REGULAR, TABLE_SIZE) + 2 * CELL_PADDING.y
  }

  private lineHeight(font: string, size: number) {
    return this.doc.font(font).fontSize(size).currentLineHeight(true)
  }

  private fits(height: number) {
    return this.doc.y + height <= this.doc.page.height - this.doc.page.margins.bottom
  }

  private ensureRoom(height: number) {
    if (!this.fits(height)) this.doc.addPage()
  }

  private gap(height: number) {
    this.doc.y += height
  }
}
