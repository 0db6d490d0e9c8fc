/**
 * Draws the post editor's "Readers over time" chart (readers-chart-model.js says where everything
 * goes) into its container: a plain SVG, hidden from screen readers, and the summary they read
 * instead (readers-chart-text.js), in a paragraph only they get (`screen-reader-text`).
 *
 * The container gets `data-vip-presence-peak` and `data-vip-presence-count`: what it shows.
 */

/**
 * Internal dependencies
 */
import { formatTime } from './format-time';
import { CHART_BOX, readersChartModel } from './readers-chart-model';
import {
	noReadersText,
	peakLabel,
	readersChartSummary,
} from './readers-chart-text';
import { svgElement } from './svg-element';

/**
 * Draws an answer of GET /wp-json/vip-presence/v1/posts/<id>/readers.
 *
 * @param {HTMLElement}                                            container Where.
 * @param {{count: number, series: Object}}                        answer    The route's answer (its series checked).
 * @param {{locale?: string, zone?: import('./format-time').Zone}} options   Language and time zone.
 */
export function drawReadersChart(container, answer, { locale, zone }) {
	const { series, count } = answer;
	const model = readersChartModel(series, count, zone);
	container.dataset.vipPresenceCount = String(count);
	container.dataset.vipPresencePeak = String(
		model.peak ? model.peak.value : 0
	);
	if (!model.peak) {
		const empty = document.createElement('p');
		empty.className = 'vip-presence-readers-chart-empty';
		empty.textContent = noReadersText();
		container.replaceChildren(empty);
		return;
	}
	const { width, height } = CHART_BOX;
	const label = peakLabel(model.peak.value, model.peak.at, locale, zone);
	// A label centred on its x, unless half of it (`room`) would leave the box.
	const anchor = (x, room) => {
		if (x < room) {
			return 'start';
		}
		return x > width - room ? 'end' : 'middle';
	};
	const svg = svgElement(
		'svg',
		{
			class: 'vip-presence-readers-chart-svg',
			viewBox: `0 0 ${width} ${height}`,
			'aria-hidden': 'true',
			focusable: 'false',
		},
		[
			svgElement('path', {
				class: 'vip-presence-readers-chart-area',
				d: model.area,
				fill: 'currentColor',
				'fill-opacity': '0.15',
			}),
			svgElement('path', {
				class: 'vip-presence-readers-chart-line',
				d: model.line,
				fill: 'none',
				stroke: 'currentColor',
				'stroke-width': '2',
				'stroke-linecap': 'round',
				'stroke-linejoin': 'round',
			}),
			...model.ticks.map(({ at, x }) =>
				svgElement('g', { class: 'vip-presence-readers-chart-tick' }, [
					svgElement('line', {
						x1: x,
						x2: x,
						y1: model.baseY + 2,
						y2: model.baseY + 6,
						stroke: 'currentColor',
					}),
					svgElement(
						'text',
						{
							x,
							y: model.baseY + 20,
							'text-anchor': anchor(x, 24),
						},
						[formatTime(at, locale, zone)]
					),
				])
			),
			svgElement('circle', {
				class: 'vip-presence-readers-chart-peak',
				cx: model.peak.x,
				cy: model.peak.y,
				r: 4,
				fill: 'currentColor',
			}),
			svgElement(
				'text',
				{
					class: 'vip-presence-readers-chart-peak-label',
					x: model.peak.x,
					y: Math.max(12, model.peak.y - 10),
					'text-anchor': anchor(model.peak.x, 60),
				},
				[label]
			),
		]
	);
	const summary = document.createElement('p');
	summary.className = 'vip-presence-readers-chart-summary screen-reader-text';
	summary.textContent = readersChartSummary(series, count, locale, zone);
	container.replaceChildren(svg, summary);
}
