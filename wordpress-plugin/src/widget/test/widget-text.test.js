/**
 * Internal dependencies
 */
import { widgetText } from '../widget-text';

const live = (others, self = true) => ({
	postId: 42,
	count: self ? others + 1 : others,
	others,
	self,
	views: 10,
	status: 'live',
});

describe('widgetText', () => {
	it('says the reader is alone when nobody else is viewing', () => {
		expect(widgetText(live(0))).toBe("You're the only one here");
	});

	it('uses the singular for one other person and the plural above', () => {
		expect(widgetText(live(1))).toBe('1 other person is viewing');
		expect(widgetText(live(12))).toBe('12 other people are viewing');
	});

	it('formats large counts for the page language', () => {
		expect(widgetText(live(1234), 0, 'en-US')).toBe(
			'1,234 other people are viewing'
		);
	});

	it('shows nothing until the subscription is live', () => {
		for (const status of ['connecting', 'offline', 'error']) {
			expect(widgetText({ ...live(3), status })).toBe('');
		}
		expect(widgetText(undefined)).toBe('');
	});

	it('hides counts of fewer than K other people', () => {
		expect(widgetText(live(0), 1)).toBe('');
		expect(widgetText(live(2), 3)).toBe('');
		expect(widgetText(live(3), 3)).toBe('3 other people are viewing');
	});

	it('does not claim the reader is here when they are not counted', () => {
		expect(widgetText(live(0, false))).toBe('');
		expect(widgetText(live(2, false))).toBe('2 other people are viewing');
	});

	it('ignores nonsense counts', () => {
		expect(widgetText({ ...live(1), others: -1 })).toBe('');
		expect(widgetText({ ...live(1), others: 1.5 })).toBe('');
		expect(widgetText({ ...live(1), others: undefined })).toBe('');
	});
});
