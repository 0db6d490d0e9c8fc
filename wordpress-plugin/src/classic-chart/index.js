/**
 * The classic editor's "Readers over time" box (a meta box beside the publish box): the same chart
 * as the block editor's panel, drawn into the container WordPress rendered (includes/readers-chart.php)
 * for a published post, `data-vip-presence-url` its readers route, and kept current while the editor
 * is open.
 */

/**
 * Internal dependencies
 */
import {
	keepReadersChart,
	readersChartSettings,
} from '../shared/readers-chart-live';

function start() {
	const settings = readersChartSettings();
	document
		.querySelectorAll('.vip-presence-readers-chart[data-vip-presence-url]')
		.forEach((container) =>
			keepReadersChart(
				container,
				container.dataset.vipPresenceUrl,
				settings
			)
		);
}

if (document.readyState === 'loading') {
	document.addEventListener('DOMContentLoaded', start);
} else {
	start();
}
