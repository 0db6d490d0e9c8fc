/**
 * Keeps a post's "Readers over time" chart current while the editor is open: asks WordPress for the
 * post's readers (GET /wp-json/vip-presence/v1/posts/<id>/readers: the read API's credential stays in
 * WordPress) when it starts and then every `refreshMs`, skipping turns while the tab is hidden and
 * asking at once when it is shown again after a missed turn.
 *
 * It asks through WordPress's own `wp.apiFetch`, which WordPress configures on every page that loads
 * it with the REST root and the `wp_rest` nonce, and which, when the nonce has expired (a tab left
 * open longer than a nonce lives, 12 to 24 hours), gets a fresh one from admin-ajax.php
 * (`rest-nonce`) and asks again: an editor left open keeps its chart.
 *
 * The container gets `data-vip-presence-status` (`loading`, `ok`, `error`) and
 * `data-vip-presence-refreshes`: how many answers it has drawn.
 */

/**
 * WordPress dependencies
 */
import apiFetch from '@wordpress/api-fetch';
import { __ } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import { drawReadersChart } from './readers-chart-svg';
import { isSeries } from './series';

/**
 * apiFetch's codes of a request that got no answer from WordPress: the network, or a page that is
 * not WordPress's JSON (a proxy's error page).
 */
const AWAY_CODES = ['fetch_error', 'invalid_json'];

/**
 * Reads what WordPress printed for the charts (includes/readers-chart.php):
 * `window.vipPresenceReadersChart = { timeZone, offsetMinutes, refreshSeconds }`.
 *
 * @return {{zone: import('./format-time').Zone, refreshMs: number, locale: string|undefined}} Settings.
 */
export function readersChartSettings() {
	const settings = window.vipPresenceReadersChart || {};
	return {
		zone: {
			timeZone: String(settings.timeZone || ''),
			offsetMinutes: Number(settings.offsetMinutes) || 0,
		},
		refreshMs: Math.max(5, Number(settings.refreshSeconds) || 60) * 1000,
		locale: document.documentElement.lang || undefined,
	};
}

/**
 * Returns the readers route of a post, as apiFetch's `path` (under the REST root).
 *
 * @param {number} postId Post id.
 * @return {string} Path.
 */
export function readersPath(postId) {
	return `/vip-presence/v1/posts/${postId}/readers`;
}

/**
 * Starts keeping a chart current.
 *
 * @param {HTMLElement} container Where the chart goes.
 * @param {number}      postId    The post.
 * @param {Object}      settings  readersChartSettings().
 * @return {Function} Stops it.
 */
export function keepReadersChart(container, postId, settings) {
	const { zone, refreshMs, locale } = settings;
	let stopped = false;
	let timer = null;
	let lastAsked = 0;
	let refreshes = 0;

	function fail(message) {
		container.dataset.vipPresenceStatus = 'error';
		const paragraph = document.createElement('p');
		paragraph.className = 'vip-presence-readers-chart-error';
		paragraph.textContent =
			message ||
			__('Readers over time could not be loaded.', 'vip-presence');
		container.replaceChildren(paragraph);
	}

	async function refresh() {
		lastAsked = Date.now();
		let answer;
		try {
			answer = await apiFetch({ path: readersPath(postId) });
		} catch (error) {
			if (stopped) {
				return;
			}
			if (AWAY_CODES.includes(error?.code)) {
				// The network or WordPress is away: what is drawn stays, and the next turn asks again.
				if (!refreshes) {
					fail();
				}
				return;
			}
			// WordPress's message (WP_Error), translated there: e.g. the presence server is not answering.
			fail(typeof error?.message === 'string' ? error.message : '');
			return;
		}
		if (stopped) {
			return;
		}
		const count = answer?.count;
		if (
			!isSeries(answer?.series) ||
			answer.series.max.length === 0 ||
			!Number.isSafeInteger(count) ||
			count < 0
		) {
			fail();
			return;
		}
		drawReadersChart(container, answer, { locale, zone });
		refreshes += 1;
		container.dataset.vipPresenceStatus = 'ok';
		container.dataset.vipPresenceRefreshes = String(refreshes);
	}

	function schedule() {
		window.clearTimeout(timer);
		timer = window.setTimeout(async () => {
			if (!document.hidden) {
				await refresh();
			}
			if (!stopped) {
				schedule();
			}
		}, refreshMs);
	}

	function onVisibilityChange() {
		if (!document.hidden && Date.now() - lastAsked >= refreshMs) {
			refresh().then(() => !stopped && schedule());
		}
	}

	container.dataset.vipPresenceStatus = 'loading';
	document.addEventListener('visibilitychange', onVisibilityChange);
	refresh();
	schedule();
	return () => {
		stopped = true;
		window.clearTimeout(timer);
		document.removeEventListener('visibilitychange', onVisibilityChange);
	};
}
