import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { resolveBaseUrl } from '../nodes/shared/countries';
import { readHttpFailure } from '../nodes/shared/httpFailure';

const overrideField = (name: string, displayName: string, example: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	placeholder: example,
	description: 'Leave empty to use the default for the chosen environment',
	displayOptions: { show: { useCustomBaseUrls: [true] } },
});

export class ACubeApi implements ICredentialType {
	name = 'aCubeApi';

	displayName = 'A-Cube API';

	documentationUrl = 'https://docs.acubeapi.com/documentation/common/authentication';

	icon: Icon = { light: 'file:../icons/acube.svg', dark: 'file:../icons/acube.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Sandbox', value: 'sandbox', description: 'Test platform: nothing reaches a tax authority' },
				{ name: 'Production', value: 'production', description: 'Live invoices with legal effect' },
			],
			default: 'sandbox',
		},
		{
			displayName: 'Session Token',
			name: 'token',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Custom Base URLs',
			name: 'useCustomBaseUrls',
			type: 'boolean',
			default: false,
			description: 'Whether to override the A-Cube hosts, for a proxy or a local stand-in server',
		},
		overrideField('commonBaseUrl', 'Common API Base URL', 'https://common-sandbox.api.acubeapi.com'),
		overrideField('deBaseUrl', 'Germany API Base URL', 'https://de-sandbox.api.acubeapi.com/api'),
		overrideField('plBaseUrl', 'Poland API Base URL', 'https://pl-sandbox.api.acubeapi.com'),
		overrideField('frBaseUrl', 'France API Base URL', 'https://fr-sandbox.api.acubeapi.com'),
	];

	/** One login (POST /login) yields a 24 h JWT that n8n keeps until A-Cube answers 401. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const url = `${resolveBaseUrl(credentials, 'common')}/login`;
		let response: { token?: unknown };
		try {
			response = (await this.helpers.httpRequest({
				method: 'POST',
				url,
				headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
				body: { email: credentials.email, password: credentials.password },
				json: true,
			})) as { token?: unknown };
		} catch (error) {
			// A fresh error from status and code only: the original, message included, may quote the request body with the password.
			const { status, code } = readHttpFailure(error);
			if (status === 401 || status === 403) {
				throw new Error(
					`A-Cube refused the login for ${String(credentials.email)} (HTTP ${status}): check the email and password, and that the account belongs to the ${String(credentials.environment ?? 'sandbox')} environment`,
				);
			}
			const reason = status !== undefined ? `HTTP ${status}` : (code ?? 'no answer');
			throw new Error(`Could not log in to A-Cube at ${url}: ${reason}`);
		}
		if (typeof response?.token !== 'string' || response.token === '') {
			throw new Error(`A-Cube's login at ${url} answered without a token`);
		}
		return { token: response.token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.token}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.useCustomBaseUrls && $credentials.commonBaseUrl ? $credentials.commonBaseUrl.replace(/\\/+$/, "") : ($credentials.environment === "production" ? "https://common.api.acubeapi.com" : "https://common-sandbox.api.acubeapi.com") }}',
			url: '/users/me',
			headers: { Accept: 'application/json' },
		},
	};
}
