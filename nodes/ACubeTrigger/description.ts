import type { INodeProperties } from 'n8n-workflow';

import type { Country } from '../shared/countries';
import { DEFAULT_ROUTES, statusCatalogue, statusDisplayName } from '../shared/statusCatalog';

export const EVENTS: Record<Country, Array<{ name: string; value: string; description: string }>> = {
	fr: [
		{ name: 'Invoice Inbound', value: 'invoice.inbound', description: 'An invoice addressed to you arrived' },
		{ name: 'Invoice Outbound', value: 'invoice.outbound', description: 'Updates on an invoice you sent' },
		{ name: 'Invoice Status', value: 'invoice.status', description: 'Every AFNOR lifecycle status change (200–228)' },
		{ name: 'Legal Entity Onboarding', value: 'legal_entity.onboarding', description: 'Enrolment of a legal entity progressed' },
	],
	pl: [
		{ name: 'Invoice Receiver', value: 'invoice-receiver', description: 'An invoice addressed to you was received in KSeF' },
		{ name: 'Invoice Sender', value: 'invoice-sender', description: 'An invoice you sent: sent, delivered, rejected, error' },
		{ name: 'Invoice Sync', value: 'invoice-sync', description: 'Synchronisation with KSeF' },
		{ name: 'Invoice UPO', value: 'invoice-upo', description: 'KSeF issued the UPO receipt (confirmed)' },
		{ name: 'Onboarding Activated', value: 'on-boarding-activated', description: 'A legal entity was activated' },
		{ name: 'Onboarding Deactivated', value: 'on-boarding-deactivated', description: 'A legal entity was deactivated' },
		{ name: 'Session Manager', value: 'session-manager', description: 'KSeF session events' },
	],
	de: [
		{ name: 'Invoice Failed', value: 'invoice.failed', description: 'Sending an invoice failed' },
		{ name: 'Invoice Received', value: 'invoice.received', description: 'An invoice addressed to you arrived' },
		{ name: 'Invoice Sent', value: 'invoice.sent', description: 'An invoice was delivered' },
	],
};

export const DEFAULT_EVENTS: Record<Country, string[]> = {
	fr: ['invoice.status'],
	pl: ['invoice-sender', 'invoice-receiver', 'invoice-upo'],
	de: ['invoice.sent', 'invoice.failed', 'invoice.received'],
};

const eventsField = (country: Country): INodeProperties => ({
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	required: true,
	options: EVENTS[country],
	default: [...DEFAULT_EVENTS[country]],
	description: 'The A-Cube events to subscribe to when the workflow is activated',
	displayOptions: { show: { country: [country] } },
});

const routesField = (country: Country): INodeProperties => ({
	displayName: 'Routes',
	name: 'routes',
	placeholder: 'Add route',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	default: { route: DEFAULT_ROUTES[country].map((status) => ({ statuses: [status], outputName: '' })) },
	description:
		'Each route is an output of its own, in this order. An event goes to the first route that lists its status; every other event, unknown statuses included, goes to the last output, "Other".',
	displayOptions: { show: { country: [country] } },
	options: [
		{
			displayName: 'Route',
			name: 'route',
			values: [
				{
					displayName: 'Statuses',
					name: 'statuses',
					type: 'multiOptions',
					options: statusCatalogue(country).map((info) => ({
						name: statusDisplayName(info),
						value: info.code,
						description: `${info.labelLocal} · ${info.category}${info.note ? ` · ${info.note}` : ''}`,
					})),
					default: [],
					description: 'The statuses this output receives',
				},
				{
					displayName: 'Output Name',
					name: 'outputName',
					type: 'string',
					default: '',
					placeholder: 'e.g. Problems',
					description: 'Leave empty to name the output after its status, e.g. "210 Refused"',
				},
			],
		},
	],
});

export const properties: INodeProperties[] = [
	{
		displayName:
			'Activating the workflow registers this webhook with A-Cube; deactivating it removes it. Every call is checked for the registered secret and A-Cube\'s signature before it starts anything.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Country',
		name: 'country',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'France', value: 'fr' },
			{ name: 'Germany', value: 'de' },
			{ name: 'Poland', value: 'pl' },
		],
		default: 'fr',
	},
	eventsField('fr'),
	eventsField('pl'),
	eventsField('de'),
	{
		displayName: 'Legal Entity UUID',
		name: 'legalEntityUuid',
		type: 'string',
		required: true,
		default: '',
		placeholder: '8b8b8755-5850-4ead-9c68-8243f4ac2748',
		description: 'The A-Cube legal entity (the NIP holder) whose invoices to follow',
		displayOptions: { show: { country: ['pl'] } },
	},
	routesField('fr'),
	routesField('pl'),
	routesField('de'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Ignore Duplicates',
				name: 'ignoreDuplicates',
				type: 'boolean',
				default: true,
				description:
					'Whether to answer a repeated delivery of an event already received (A-Cube retries for about ten hours) without starting the workflow again',
			},
			{
				displayName: 'Public URL',
				name: 'publicUrl',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com',
				description:
					'Behind a reverse proxy: the scheme and host A-Cube calls, when it differs from what n8n sees. Used to register the webhook and to check signatures.',
			},
			{
				displayName: 'Signature Public Key',
				name: 'publicKey',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description: "A-Cube's Ed25519 public key (PEM or base64). Leave empty to fetch it from A-Cube's /signature-public-key.",
			},
			{
				displayName: 'Verify Signature',
				name: 'verifySignature',
				type: 'boolean',
				default: true,
				description: "Whether to require A-Cube's Ed25519 HTTP Message Signature and a matching content digest on every call",
			},
		],
	},
];
