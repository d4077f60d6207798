import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { HttpFailure } from '../../shared/httpFailure';
import { asRecord, isConnectionFailure, isTimeout } from '../../shared/httpFailure';

/** A-Cube answers {code, message} from its JWT layer and RFC 7807 problem JSON from the API layer. */
export function describeApiAnswer(body: unknown): string | undefined {
	const record = asRecord(body);
	if (!record) {
		if (typeof body === 'string' && body.trim() !== '' && !body.trimStart().startsWith('<')) {
			return body.trim().slice(0, 300);
		}
		return undefined;
	}
	const parts: string[] = [];
	const title = record.title ?? record['hydra:title'];
	const detail = record.detail ?? record['hydra:description'];
	if (typeof title === 'string' && title !== '') parts.push(title);
	if (typeof detail === 'string' && detail !== '' && detail !== title) parts.push(detail);
	if (parts.length === 0 && typeof record.message === 'string') parts.push(record.message);
	if (parts.length === 0 && typeof record.error === 'string') parts.push(record.error);
	const violations = Array.isArray(record.violations) ? record.violations : [];
	const violationTexts = violations
		.map((violation) => asRecord(violation))
		.filter((violation): violation is Record<string, unknown> => violation !== undefined)
		.map((violation) =>
			violation.propertyPath ? `${String(violation.propertyPath)}: ${String(violation.message)}` : String(violation.message),
		);
	// API Platform repeats the violations inside `detail`; list them once.
	if (violationTexts.length > 0) {
		const head = parts.filter((part) => !violationTexts.some((text) => part.includes(text)));
		return [...head, violationTexts.join('; ')].join(': ');
	}
	return parts.length > 0 ? parts.join(': ') : undefined;
}

const STATUS_EXPLANATIONS: Record<number, string> = {
	400: 'A-Cube could not read the request',
	401: 'A-Cube did not accept the login token, even after a fresh login',
	403: 'This A-Cube account is not allowed to do this',
	404: 'Not found on A-Cube',
	409: 'A-Cube reports a conflict',
	413: 'The invoice is too large for A-Cube',
	422: 'A-Cube found errors in what was sent',
	429: 'A-Cube rate limit reached and retries ran out',
};

const STATUS_HINTS: Record<number, string> = {
	401: 'Check that the credential\'s environment (sandbox or production) matches the account: a sandbox token is refused by production hosts.',
	403: 'The account may lack the role for this country, or the legal entity is not enabled for it.',
	404: 'Check the UUID and that the node\'s country matches the country the invoice was sent to.',
	409: 'This usually means the invoice (same number and seller) was already submitted.',
	413: 'Split the batch or reduce embedded attachments.',
	422: 'Fix the listed fields and send it again.',
	429: 'Lower the node\'s Concurrency option or spread the run over time.',
};

export interface ErrorContext {
	itemIndex?: number;
	/** What the node was doing, e.g. "Submit invoice". */
	action: string;
	/** A POST that may have reached A-Cube before failing: it is not re-sent, and the user is told how to check. */
	mayHaveReachedAcube?: boolean;
	/** Advice for particular statuses, in place of the general one. */
	hints?: Partial<Record<number, string>>;
}

export function failureToNodeApiError(node: INode, failure: HttpFailure, context: ErrorContext): NodeApiError {
	const answer = describeApiAnswer(failure.body);
	const { status } = failure;
	let message: string;
	let description: string | undefined;
	if (isConnectionFailure(failure)) {
		const what = isTimeout(failure) ? 'timed out' : `failed (${failure.code})`;
		message = `${context.action}: the request to A-Cube ${what}`;
	} else if (status === undefined) {
		message = `${context.action}: ${failure.message}`;
	} else if (status >= 500) {
		message = `${context.action}: A-Cube answered ${status}${answer ? ` (${answer})` : ' (server error)'}`;
	} else {
		const explanation = STATUS_EXPLANATIONS[status] ?? `A-Cube answered ${status}`;
		message = `${context.action}: ${explanation}${answer ? `: ${answer}` : ''}`;
		description = context.hints?.[status] ?? STATUS_HINTS[status];
	}
	if (context.mayHaveReachedAcube && (status !== undefined || isConnectionFailure(failure))) {
		description =
			'The invoice may have reached A-Cube before the failure, so it was not sent again automatically. Before re-sending, look for it with the "Get Many" operation (filter by invoice number) or in the A-Cube dashboard.';
	}
	// A plain object on purpose: the HTTP client's error holds the request, including the Authorization header.
	const sanitised: JsonObject = { message, httpCode: status === undefined ? null : String(status) };
	if (failure.body !== undefined && typeof failure.body !== 'string') sanitised.response = failure.body as JsonObject;
	return new NodeApiError(node, sanitised, {
		message,
		description,
		httpCode: status === undefined ? undefined : String(status),
		itemIndex: context.itemIndex,
	});
}
