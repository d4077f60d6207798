import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { InvoiceXmlError, bufferToXmlText, summariseInvoiceXml, xmlToJson } from '../../nodes/shared/invoiceXml';
import { corpusFiles, seedXrechnung, seedZugferd } from '../helpers/fixtures';

const read = (file: string) => readFileSync(file, 'utf8');
const INVALID = new Set(['xml_dummy.xml', 'xml_invalid_1.xml', 'xml_invalid_2.xml']);

describe('summariseInvoiceXml', () => {
	it('reads the seed ZUGFeRD invoice', () => {
		expect(summariseInvoiceXml(seedZugferd())).toEqual({
			format: 'CII',
			profile: 'urn:cen.eu:en16931:2017',
			documentType: 'invoice',
			typeCode: '380',
			invoiceNumber: '471102',
			issueDate: '2018-03-05',
			currency: 'EUR',
			seller: { name: 'Lieferant GmbH', vatId: 'DE123456789' },
			buyer: { name: 'Kunden AG Mitte', vatId: undefined },
			grandTotal: '529.87',
			amountDue: '529.87',
		});
	});

	it('reads the seed XRechnung (UBL) invoice', () => {
		expect(summariseInvoiceXml(seedXrechnung())).toEqual({
			format: 'UBL',
			profile: 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0',
			documentType: 'invoice',
			typeCode: '380',
			invoiceNumber: 'INV-200001',
			issueDate: '2016-04-04',
			currency: 'EUR',
			seller: { name: '[Seller name]', vatId: 'DE 123456789' },
			buyer: { name: '[Buyer name]', vatId: undefined },
			grandTotal: '336.9',
			amountDue: '336.9',
		});
	});

	it('reads a KSeF FA(3) invoice', () => {
		const summary = summariseInvoiceXml(read(corpusFiles('ksef').find((f) => f.endsWith('invoice-template_v3.xml'))!));
		expect(summary).toMatchObject({
			format: 'KSeF FA',
			profile: 'FA (3)',
			invoiceNumber: 'FA/GRQMB-12345/05/2025',
			issueDate: '2026-02-01',
			currency: 'PLN',
			seller: { name: 'Bogusz - Sienkiewicz', vatId: '5265877635' },
			buyer: { name: 'Błaszczak - Lenart', vatId: '3861610227' },
			grandTotal: '13102.43',
		});
	});

	it('reads a UBL credit note as a credit note', () => {
		const summary = summariseInvoiceXml(read(corpusFiles('en16931-ubl').find((f) => f.endsWith('creditnote1.xml'))!));
		expect(summary.format).toBe('UBL');
		expect(summary.documentType).toBe('creditNote');
		expect(summary.typeCode).toBe('381');
	});

	const validFiles = [...corpusFiles('en16931-cii'), ...corpusFiles('en16931-ubl'), ...corpusFiles('ksef'), ...corpusFiles('zugferd-horstoeko')].filter(
		(file) => !INVALID.has(basename(file)),
	);
	it.each(validFiles.map((file) => [basename(file), file]))('summarises corpus invoice %s', (_name, file) => {
		const summary = summariseInvoiceXml(read(file));
		const expectedFormat = file.includes('/ksef/') ? 'KSeF FA' : file.includes('-ubl/') ? 'UBL' : 'CII';
		expect(summary.format).toBe(expectedFormat);
		expect(summary.invoiceNumber).toMatch(/\S/);
		expect(summary.issueDate).toMatch(/^\d{4}-\d{2}-\d{2}/);
		expect(summary.currency).toMatch(/^[A-Z]{3}$/);
		expect(summary.grandTotal).toMatch(/^-?\d+(\.\d+)?$/);
		if (basename(file) === 'xml_en16931_5.xml') {
			// This test asset has no SellerTradeParty at all: the summary must say so, not invent one.
			expect(summary.seller).toEqual({ name: undefined, vatId: undefined });
		} else {
			expect(summary.seller.name ?? summary.seller.vatId).toBeTruthy();
		}
	});

	it.each([
		['xml_dummy.xml', /not an invoice: its root element is <root>/],
		['xml_invalid_1.xml', /not an invoice: its root element is <dummy>/],
		['xml_invalid_2.xml', /not XML \(it starts with "Bad XML"\)/],
	])('refuses %s with a specific message', (name, message) => {
		const file = corpusFiles('zugferd-horstoeko').find((f) => basename(f) === name)!;
		expect(() => summariseInvoiceXml(read(file))).toThrow(message);
	});

	it('refuses empty and malformed XML', () => {
		expect(() => summariseInvoiceXml('   ')).toThrow('The XML is empty');
		expect(() => summariseInvoiceXml('<Invoice><ID>1</Invoice>')).toThrow(/not well-formed.*line 1/);
	});

	it('keeps amounts as the exact decimal text', () => {
		const xml = seedZugferd().replace('<ram:GrandTotalAmount>529.87</ram:GrandTotalAmount>', '<ram:GrandTotalAmount>0.10000000000000001</ram:GrandTotalAmount>');
		expect(summariseInvoiceXml(xml).grandTotal).toBe('0.10000000000000001');
	});
});

describe('bufferToXmlText', () => {
	it('names a PDF and explains what to send instead', () => {
		const pdf = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj');
		expect(() => bufferToXmlText(pdf)).toThrow(InvoiceXmlError);
		expect(() => bufferToXmlText(pdf)).toThrow('The file is a PDF file, not XML');
	});

	it('names a ZIP archive', () => {
		expect(() => bufferToXmlText(Buffer.from('PK\u0003\u0004rest', 'latin1'))).toThrow(/ZIP archive/);
	});

	it('drops a UTF-8 byte order mark and decodes UTF-16', () => {
		expect(bufferToXmlText(Buffer.from('\ufeff<a/>', 'utf8'))).toBe('<a/>');
		expect(bufferToXmlText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a/>', 'utf16le')]))).toBe('<a/>');
	});
});

describe('xmlToJson', () => {
	it('keeps identifiers as strings, leading zeros included', () => {
		const json = xmlToJson('<Invoice><ID>00123</ID><Amount currencyID="EUR">10.50</Amount></Invoice>');
		expect(json).toEqual({ Invoice: { ID: '00123', Amount: { '#text': '10.50', '@currencyID': 'EUR' } } });
	});
});
