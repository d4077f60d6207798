import type { Country } from './countries';

/** What a status means for the invoice, the same vocabulary for every country. */
export type StatusCategory =
	| 'submitted'
	| 'in_progress'
	| 'approved'
	| 'disputed'
	| 'refused'
	| 'paid'
	| 'rejected'
	| 'error'
	| 'cancelled'
	| 'other';

export interface StatusInfo {
	code: string;
	label: string;
	labelLocal: string;
	category: StatusCategory;
	/** The invoice did not go through: rejected, refused or failed. */
	isError: boolean;
	/** No further status is expected in the normal course of the lifecycle. */
	isFinal: boolean;
	note?: string;
}

type Entry = [code: string, labelLocal: string, label: string, category: StatusCategory, isFinal: boolean, note?: string];

const ERROR_CATEGORIES: ReadonlySet<StatusCategory> = new Set(['rejected', 'refused', 'error']);

function catalogue(entries: Entry[]): ReadonlyMap<string, StatusInfo> {
	return new Map(
		entries.map(([code, labelLocal, label, category, isFinal, note]) => [
			code,
			{ code, label, labelLocal, category, isError: ERROR_CATEGORIES.has(category), isFinal, ...(note ? { note } : {}) },
		]),
	);
}

/** France: AFNOR XP Z12-012 lifecycle codes (CDAR), plus A-Cube's 251 and the onboarding statuses. */
const FRANCE = catalogue([
	['200', 'Déposée', 'Submitted', 'submitted', false, 'mandatory'],
	['201', 'Émise par la plateforme', 'Issued', 'in_progress', false],
	['202', 'Reçue par la plateforme', 'Received', 'in_progress', false],
	['203', 'Mise à disposition', 'Made available', 'in_progress', false],
	['204', 'Prise en charge', 'In process', 'in_progress', false],
	['205', 'Approuvée', 'Approved', 'approved', false],
	['206', 'Approuvée partiellement', 'Partially approved', 'approved', false],
	['207', 'En litige', 'Disputed', 'disputed', false, 'reason required'],
	['208', 'Suspendue', 'Suspended', 'disputed', false],
	['209', 'Complétée', 'Completed', 'in_progress', false],
	['210', 'Refusée', 'Refused', 'refused', true, 'mandatory, reason required, sent to the tax authority'],
	['211', 'Paiement transmis', 'Payment sent', 'paid', false],
	['212', 'Encaissée', 'Payment received', 'paid', true, 'mandatory where VAT is due on payment'],
	['213', 'Rejetée', 'Rejected', 'rejected', true, 'mandatory; technical or compliance rejection'],
	['214', 'Visée', 'Endorsed', 'approved', false],
	['220', 'Annulée', 'Cancelled', 'cancelled', true],
	['221', 'Erreur de routage', 'Routing error', 'error', false],
	['224', 'Demande de paiement direct', 'Direct payment requested', 'in_progress', false],
	['225', 'Affacturée', 'Factored', 'in_progress', false],
	['226', 'Affacturée confidentiel', 'Factored (confidential)', 'in_progress', false],
	['227', 'Changement de compte à payer', 'Payee account changed', 'in_progress', false],
	['228', 'Non affacturée', 'Not factored', 'in_progress', false],
	['251', 'Erreur', 'Error', 'error', true, 'A-Cube / central platform error'],
	['501', 'Irrecevable', 'Inadmissible (e-reporting)', 'rejected', true],
	['ONBOARDING_IN_PROGRESS', 'Enrôlement en cours', 'Onboarding in progress', 'in_progress', false],
	['ONBOARDING_ACTION_REQUIRED', 'Action requise', 'Onboarding action required', 'disputed', false],
	['ONBOARDED', 'Enrôlée', 'Onboarded', 'approved', true],
]);

/** Poland: the KSeF statuses A-Cube reports for sent and received invoices. */
const POLAND = catalogue([
	['valid', 'Zweryfikowana', 'Valid', 'submitted', false],
	['sent', 'Wysłana', 'Sent', 'submitted', false],
	['delivered', 'Dostarczona do KSeF', 'Delivered to KSeF', 'approved', false],
	['confirmed', 'Potwierdzona (UPO)', 'Confirmed (UPO received)', 'approved', true],
	['received', 'Otrzymana', 'Received', 'submitted', true],
	['rejected', 'Odrzucona', 'Rejected', 'rejected', true],
	['error', 'Błąd', 'Error', 'error', true],
]);

/** Germany: the event names are the statuses. */
const GERMANY = catalogue([
	['invoice.sent', 'Versendet', 'Sent', 'submitted', true],
	['invoice.failed', 'Fehlgeschlagen', 'Failed', 'error', true],
	['invoice.received', 'Empfangen', 'Received', 'submitted', true],
]);

const CATALOGUES: Record<Country, ReadonlyMap<string, StatusInfo>> = { fr: FRANCE, pl: POLAND, de: GERMANY };

export function statusCatalogue(country: Country): StatusInfo[] {
	return [...CATALOGUES[country].values()];
}

export function normaliseStatusCode(country: Country, status: unknown): string {
	if (status === null || status === undefined) return '';
	const text = String(status).trim();
	return country === 'pl' ? text.toLowerCase() : text;
}

export function findStatus(country: Country, status: unknown): StatusInfo | undefined {
	return CATALOGUES[country].get(normaliseStatusCode(country, status));
}

/** A status outside the catalogue is described honestly as unknown, never guessed. */
export function describeStatus(country: Country, status: unknown): StatusInfo {
	const code = normaliseStatusCode(country, status);
	return (
		findStatus(country, code) ?? {
			code,
			label: code === '' ? 'No status' : `Unknown status ${code}`,
			labelLocal: '',
			category: 'other',
			isError: false,
			isFinal: false,
		}
	);
}

export function statusDisplayName(info: StatusInfo): string {
	return info.code === info.label ? info.code : `${info.code} ${info.label}`;
}

/** France lifecycle codes a buyer or seller may send with POST /invoices/{uuid}/lifecycle. */
export const FRANCE_UPDATABLE_STATUSES = ['204', '205', '206', '207', '208', '209', '210', '211', '212', '214'];
export const FRANCE_STATUSES_REQUIRING_REASON = ['207', '210'];
export const FRANCE_STATUSES_WITH_PAYMENT = ['211', '212'];

/** Default trigger routes per country, in output order. */
export const DEFAULT_ROUTES: Record<Country, string[]> = {
	fr: ['200', '205', '207', '210', '212', '213'],
	pl: ['sent', 'delivered', 'confirmed', 'received', 'rejected', 'error'],
	de: ['invoice.sent', 'invoice.failed', 'invoice.received'],
};
