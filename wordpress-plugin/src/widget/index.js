/**
 * Front-end script of the live viewers widget: fills, through the client SDK (its own script,
 * `vip-presence-client`, which reads `window.vipPresenceSettings` and defines
 * `window.vipPresence`), every widget
 * `<div class="vip-presence-widget" data-vip-presence-post-id="…" data-vip-presence-mode="…">`
 * of the page: those in the HTML, those added later (infinite scroll, AJAX), and it stops following
 * a post once its last widget has left the page. Its texts come translated from WordPress
 * (`window.vipPresenceWidgetText`), so a post page loads neither wp-i18n nor wp-hooks.
 */

/**
 * External dependencies
 */
// Not bundled: the script `vip-presence-client` (webpack.config.js), a dependency of this one.
import '@vip-presence/client/browser';

/**
 * Internal dependencies
 */
import { printedStrings, widgetText } from './widget-text';

const SELECTOR = '.vip-presence-widget[data-vip-presence-post-id]';

/** The texts WordPress printed before this script, in the site's language. */
const strings = printedStrings(window.vipPresenceWidgetText);

/** Post and mode ("42:view") -> { elements, last, unsubscribe }: what the page follows now. */
const followed = new Map();

/**
 * Fills the widgets under `root` that are not filled yet, subscribing once per post (and mode).
 * Public as `window.vipPresence.fillWidgets( root )`; widgets added to the page later are found on
 * their own, so a theme needs it only for content it renders where the page's observer cannot see
 * (a shadow root). A widget whose post's token is not on the page gets one from WordPress
 * (`tokensUrl`) when the server asks for it.
 *
 * `data-vip-presence-mode="view"` counts the visitor as viewing the post (the post of a single view);
 * `"watch"` only shows the count (other posts: archives, query loops, a shortcode naming a post).
 *
 * @param {Document|Element} root Where to look for widgets.
 */
export function fillWidgets(root = document) {
	const client = window.vipPresence;
	if (!client || typeof client.subscribe !== 'function') {
		return;
	}
	const found = root.matches?.(SELECTOR) ? [root] : [];
	found.push(...root.querySelectorAll(SELECTOR));
	found.forEach((element) => {
		if (element.dataset.vipPresenceStatus) {
			return;
		}
		const postId = Number(element.dataset.vipPresencePostId);
		if (!Number.isSafeInteger(postId) || postId < 1) {
			return;
		}
		const watch = element.dataset.vipPresenceMode === 'watch';
		const key = `${postId}:${watch ? 'watch' : 'view'}`;
		element.dataset.vipPresenceStatus = 'connecting';
		const known = followed.get(key);
		if (known) {
			known.elements.add(element);
			if (known.last) {
				render(element, known.last);
			}
			return;
		}
		const group = { elements: new Set([element]), last: null };
		followed.set(key, group);
		const update = (state) => {
			group.last = state;
			group.elements.forEach((each) => render(each, state));
		};
		group.unsubscribe = watch
			? client.subscribe(postId, update, { count: false })
			: client.subscribe(postId, update);
	});
}

/** Stops following the posts none of whose widgets is on the page any more. */
function forgetRemovedWidgets() {
	followed.forEach((group, key) => {
		group.elements.forEach((element) => {
			if (!element.isConnected) {
				group.elements.delete(element);
			}
		});
		if (group.elements.size === 0) {
			followed.delete(key);
			group.unsubscribe?.();
		}
	});
}

/**
 * Shows a post's state in one widget.
 *
 * @param {HTMLElement} element The widget.
 * @param {Object}      state   What the subscription knows.
 */
function render(element, state) {
	const hideBelow = parseInt(element.dataset.vipPresenceHideBelow, 10) || 0;
	const text = widgetText(
		state,
		hideBelow,
		document.documentElement.lang || undefined,
		strings
	);
	// Only real changes reach the text: aria-live announces every change.
	if (element.textContent !== text) {
		element.textContent = text;
	}
	element.dataset.vipPresenceStatus = state.status;
}

function start() {
	if (window.vipPresence) {
		window.vipPresence.fillWidgets = fillWidgets;
	}
	// The first subscription opens the SDK's connection, its heaviest step: it runs in a task of its
	// own, after this script's, so that neither is a long task (50 ms and more) on a slow phone.
	// Measured with Lighthouse (packages/bench/page-weight.md): together they made one of 52-89 ms.
	window.setTimeout(() => fillWidgets(), 0);
	new window.MutationObserver((records) => {
		// A second copy of this script on the page took over: it alone follows the widgets.
		if (window.vipPresence?.fillWidgets !== fillWidgets) {
			return;
		}
		let removed = false;
		records.forEach((record) => {
			record.addedNodes.forEach((node) => {
				if (node.nodeType === window.Node.ELEMENT_NODE) {
					fillWidgets(node);
				}
			});
			removed ||= record.removedNodes.length > 0;
		});
		if (removed) {
			forgetRemovedWidgets();
		}
	}).observe(document.documentElement, { childList: true, subtree: true });
}

if (document.readyState === 'loading') {
	document.addEventListener('DOMContentLoaded', start);
} else {
	start();
}
