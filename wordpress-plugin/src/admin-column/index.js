/**
 * The live "Reading now" column of the admin posts lists: watches every listed post without
 * being counted (`{ count: false }`, one socket for the whole page) and shows its viewer count.
 * Under it WordPress printed the post's peak (the most readers at once) and views; when more
 * people read the post now than that peak, the peak shown follows.
 */

/**
 * External dependencies
 */
import '@vip-presence/client/browser';

/**
 * Internal dependencies
 */
import { formatCount } from '../shared/format-count';

const SELECTOR = '.vip-presence-column[data-vip-presence-post-id]';

/**
 * Starts watching the posts of cells not handled yet.
 *
 * @param {Document|Element} root Where to look for cells.
 */
function watchCells(root) {
	const client = window.vipPresence;
	if (!client || typeof client.subscribe !== 'function') {
		return;
	}
	const locale = document.documentElement.lang || undefined;
	root.querySelectorAll(SELECTOR).forEach((cell) => {
		const postId = Number(cell.dataset.vipPresencePostId);
		if (
			cell.dataset.vipPresenceStatus ||
			!Number.isSafeInteger(postId) ||
			postId < 1
		) {
			return;
		}
		cell.dataset.vipPresenceStatus = 'connecting';
		const unsubscribe = client.subscribe(
			postId,
			(state) => {
				// Quick Edit replaces rows: stop watching for cells that left the page.
				if (!cell.isConnected) {
					if (typeof unsubscribe === 'function') {
						unsubscribe();
					}
					return;
				}
				const text =
					state.status === 'live'
						? formatCount(state.count, locale)
						: '';
				if (cell.textContent !== text) {
					cell.textContent = text;
				}
				cell.dataset.vipPresenceStatus = state.status;
				if (state.status === 'live') {
					raisePeak(cell, state.count, locale);
				}
			},
			{ count: false }
		);
	});
}

/**
 * Raises the peak printed under a cell when more people read the post now.
 *
 * @param {HTMLElement} cell     The cell's live count.
 * @param {number}      count    People reading the post now.
 * @param {string=}     [locale] Language of the page, for number formatting.
 */
function raisePeak(cell, count, locale) {
	const peak = cell.parentElement?.querySelector(
		'.vip-presence-column-peak[data-vip-presence-peak]'
	);
	if (!peak || !(count > Number(peak.dataset.vipPresencePeak))) {
		return;
	}
	peak.dataset.vipPresencePeak = String(count);
	// Reached now: the time WordPress printed is that of the older peak.
	peak.removeAttribute('title');
	const value = peak.querySelector('.vip-presence-column-peak-value');
	if (value) {
		value.textContent = formatCount(count, locale);
	}
}

function start() {
	watchCells(document);
	const list = document.getElementById('the-list');
	if (list && typeof window.MutationObserver === 'function') {
		new window.MutationObserver(() => watchCells(list)).observe(list, {
			childList: true,
		});
	}
}

if (document.readyState === 'loading') {
	document.addEventListener('DOMContentLoaded', start);
} else {
	start();
}
