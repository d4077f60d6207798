import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type InvoiceFormat = 'CII' | 'UBL' | 'KSeF FA';

export interface InvoiceParty {
	name?: string;
	vatId?: string;
}

export interface InvoiceSummary {
	format: InvoiceFormat;
	/** CII guideline ID, UBL CustomizationID, or KSeF form code such as "FA (3)". */
	profile?: string;
	documentType: 'invoice' | 'creditNote';
	typeCode?: string;
	invoiceNumber?: string;
	issueDate?: string;
	currency?: string;
	seller: InvoiceParty;
	buyer: InvoiceParty;
	/** Amounts are kept as the exact decimal text of the document: money is never rounded through floats. */
	grandTotal?: string;
	amountDue?: string;
}

/** Raised for input that is not an invoice A-Cube could accept; the message is meant for the user. */
export class InvoiceXmlError extends Error {
	constructor(
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'InvoiceXmlError';
	}
}

type XmlNode = Record<string, unknown>;

const summaryParser = new XMLParser({
	// Embedded attachments (base64 PDFs) can be megabytes; the summary never reads them.
	stopNodes: ['*.EmbeddedDocumentBinaryObject', '*.AttachmentBinaryObject', '*.Zalacznik'],
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	removeNSPrefix: true,
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: true,
	processEntities: true,
	htmlEntities: false,
	ignoreDeclaration: true,
	ignorePiTags: true,
});

/** A JSON view of any XML document; values stay strings so that identifiers like 00123 survive. */
const jsonParser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	removeNSPrefix: true,
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
});

const FILE_SIGNATURES: Array<[prefix: string, description: string, hint: string]> = [
	['%PDF', 'a PDF file', 'A-Cube takes the structured XML. For a ZUGFeRD/Factur-X PDF, send the embedded XML (factur-x.xml / zugferd-invoice.xml) instead.'],
	['PK\u0003\u0004', 'a ZIP archive (or an Office document)', 'Unzip it and send the invoice XML itself.'],
	['\u0089PNG', 'a PNG image', 'A-Cube takes structured XML invoices, not scans.'],
	['\u00ff\u00d8\u00ff', 'a JPEG image', 'A-Cube takes structured XML invoices, not scans.'],
];

export function bufferToXmlText(data: Buffer): string {
	const head = data.subarray(0, 4).toString('latin1');
	for (const [prefix, description, hint] of FILE_SIGNATURES) {
		if (head.startsWith(prefix)) {
			throw new InvoiceXmlError(`The file is ${description}, not XML`, hint);
		}
	}
	if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString('utf16le');
	const text = data.toString('utf8');
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function assertWellFormed(xml: string): void {
	if (xml.trim() === '') {
		throw new InvoiceXmlError('The XML is empty', 'Pass the invoice XML, or switch Input to "Binary File".');
	}
	if (!xml.trimStart().startsWith('<')) {
		throw new InvoiceXmlError(
			`The content is not XML (it starts with "${xml.trimStart().slice(0, 20).replace(/\s+/g, ' ')}")`,
			'Pass the invoice XML, for example the output of your ERP export.',
		);
	}
	const result = XMLValidator.validate(xml, { allowBooleanAttributes: true });
	if (result !== true) {
		const { msg, line, col } = result.err;
		throw new InvoiceXmlError(`The XML is not well-formed: ${msg} (line ${line}, column ${col})`);
	}
}

function child(node: unknown, ...path: string[]): unknown {
	let current: unknown = node;
	for (const key of path) {
		if (Array.isArray(current)) current = current[0];
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as XmlNode)[key];
	}
	return Array.isArray(current) ? current[0] : current;
}

function text(node: unknown, ...path: string[]): string | undefined {
	const value = child(node, ...path);
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'object') {
		const inner = (value as XmlNode)['#text'];
		return inner === undefined ? undefined : String(inner);
	}
	const result = String(value);
	return result === '' ? undefined : result;
}

function firstText(node: unknown, paths: string[][]): string | undefined {
	for (const path of paths) {
		const value = text(node, ...path);
		if (value !== undefined) return value;
	}
	return undefined;
}

function all(node: unknown, ...path: string[]): unknown[] {
	const last = path[path.length - 1];
	const parent = path.length > 1 ? child(node, ...path.slice(0, -1)) : node;
	if (parent === null || typeof parent !== 'object') return [];
	const value = (parent as XmlNode)[last];
	if (value === undefined) return [];
	return Array.isArray(value) ? value : [value];
}

function ciiDate(value: string | undefined): string | undefined {
	if (value && /^\d{8}$/.test(value)) return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
	return value;
}

function ciiParty(party: unknown): InvoiceParty {
	const vat = all(party, 'SpecifiedTaxRegistration').find((reg) => text(reg, 'ID', '@schemeID') === 'VA');
	return { name: text(party, 'Name'), vatId: vat === undefined ? undefined : text(vat, 'ID') };
}

function summariseCii(root: unknown): InvoiceSummary {
	const transaction = child(root, 'SupplyChainTradeTransaction');
	const agreement = child(transaction, 'ApplicableHeaderTradeAgreement');
	const settlement = child(transaction, 'ApplicableHeaderTradeSettlement');
	const totals = child(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation');
	const typeCode = text(root, 'ExchangedDocument', 'TypeCode');
	return {
		format: 'CII',
		profile: text(root, 'ExchangedDocumentContext', 'GuidelineSpecifiedDocumentContextParameter', 'ID'),
		documentType: typeCode === '381' ? 'creditNote' : 'invoice',
		typeCode,
		invoiceNumber: text(root, 'ExchangedDocument', 'ID'),
		issueDate: ciiDate(text(root, 'ExchangedDocument', 'IssueDateTime', 'DateTimeString')),
		currency: text(settlement, 'InvoiceCurrencyCode'),
		seller: ciiParty(child(agreement, 'SellerTradeParty')),
		buyer: ciiParty(child(agreement, 'BuyerTradeParty')),
		grandTotal: text(totals, 'GrandTotalAmount'),
		amountDue: text(totals, 'DuePayableAmount'),
	};
}

function ublParty(party: unknown): InvoiceParty {
	return {
		name: firstText(party, [
			['Party', 'PartyLegalEntity', 'RegistrationName'],
			['Party', 'PartyName', 'Name'],
		]),
		vatId: text(party, 'Party', 'PartyTaxScheme', 'CompanyID'),
	};
}

function summariseUbl(root: unknown, isCreditNote: boolean): InvoiceSummary {
	const totals = child(root, 'LegalMonetaryTotal');
	return {
		format: 'UBL',
		profile: text(root, 'CustomizationID'),
		documentType: isCreditNote ? 'creditNote' : 'invoice',
		typeCode: text(root, isCreditNote ? 'CreditNoteTypeCode' : 'InvoiceTypeCode'),
		invoiceNumber: text(root, 'ID'),
		issueDate: text(root, 'IssueDate'),
		currency: text(root, 'DocumentCurrencyCode'),
		seller: ublParty(child(root, 'AccountingSupplierParty')),
		buyer: ublParty(child(root, 'AccountingCustomerParty')),
		grandTotal: text(totals, 'TaxInclusiveAmount'),
		amountDue: text(totals, 'PayableAmount'),
	};
}

function ksefParty(party: unknown): InvoiceParty {
	const id = child(party, 'DaneIdentyfikacyjne');
	const euVat = text(id, 'NrVatUE');
	return {
		name: text(id, 'Nazwa'),
		vatId: text(id, 'NIP') ?? (euVat ? `${text(id, 'KodUE') ?? ''}${euVat}` : undefined),
	};
}

function summariseKsef(root: unknown): InvoiceSummary {
	const fa = child(root, 'Fa');
	const kind = text(fa, 'RodzajFaktury');
	return {
		format: 'KSeF FA',
		profile: text(root, 'Naglowek', 'KodFormularza', '@kodSystemowy'),
		documentType: kind !== undefined && kind.startsWith('KOR') ? 'creditNote' : 'invoice',
		typeCode: kind,
		invoiceNumber: text(fa, 'P_2'),
		issueDate: text(fa, 'P_1'),
		currency: text(fa, 'KodWaluty'),
		seller: ksefParty(child(root, 'Podmiot1')),
		buyer: ksefParty(child(root, 'Podmiot2')),
		grandTotal: text(fa, 'P_15'),
		amountDue: text(fa, 'P_15'),
	};
}

function rootElement(document: XmlNode): [name: string, node: unknown] {
	const name = Object.keys(document).find((key) => !key.startsWith('#') && !key.startsWith('?') && !key.startsWith('@'));
	if (name === undefined) throw new InvoiceXmlError('The XML has no root element');
	return [name, document[name]];
}

/**
 * Reads the invoice's format and headline figures. Throws InvoiceXmlError for anything that is not
 * a CII, UBL or KSeF FA invoice, so a user learns before the upload why A-Cube would refuse it.
 */
export function summariseInvoiceXml(xml: string): InvoiceSummary {
	assertWellFormed(xml);
	const [name, root] = rootElement(parseWith(summaryParser, xml));
	switch (name) {
		case 'CrossIndustryInvoice':
			return summariseCii(root);
		case 'Invoice':
			return summariseUbl(root, false);
		case 'CreditNote':
			return summariseUbl(root, true);
		case 'Faktura':
			return summariseKsef(root);
		default:
			throw new InvoiceXmlError(
				`The XML is not an invoice: its root element is <${name}>`,
				'Expected a CII invoice (ZUGFeRD, Factur-X, XRechnung CII: <rsm:CrossIndustryInvoice>), a UBL 2.1 <Invoice> or <CreditNote> (XRechnung, Peppol), or a KSeF <Faktura>.',
			);
	}
}

export function xmlToJson(xml: string): Record<string, unknown> {
	assertWellFormed(xml);
	return parseWith(jsonParser, xml);
}

function parseWith(parser: XMLParser, xml: string): XmlNode {
	let reason = 'no content';
	try {
		const parsed = parser.parse(xml) as XmlNode | undefined;
		if (parsed) return parsed;
	} catch (error) {
		reason = (error as Error).message;
	}
	throw new InvoiceXmlError(`The XML could not be read: ${reason}`);
}
