import { getDocumentProxy } from 'unpdf'

// What a reader extracts from a PDF, page by page, with PDF.js (unpdf's build of it, no network). The PDFs the app
// writes compress their content streams and embed their font as glyph IDs, so their text is not in their bytes.

/**
 * Each page's text: the text pieces in drawing order, separated by a blank; runs of white space (also the no-break
 * spaces that Intl puts into amounts and dates) as one blank, so that tests compare with plain strings.
 */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  // PDF.js takes the bytes over (detaches them): it gets a copy.
  const document = await getDocumentProxy(new Uint8Array(pdf))
  const pages: string[] = []
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent()
    pages.push(plain(content.items.map(item => ('str' in item ? item.str : '')).join(' ')))
  }
  return pages
}

export const pdfText = async (pdf: Buffer) => (await pdfPages(pdf)).join(' ')

/** White space as it is compared: runs of any kind as one blank. */
export const plain = (text: string) => text.replace(/\s+/g, ' ').trim()
