<?php
/**
 * The live "Reading now" column of the posts lists.
 *
 * @package vip-presence
 */

require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
require_once ABSPATH . 'wp-admin/includes/screen.php';

/**
 * Tests of includes/admin-column.php.
 */
class VIP_Presence_Admin_Column_Test extends VIP_Presence_Test_Case {

	/**
	 * Loads the posts list of a post type as edit.php does, and returns its columns.
	 *
	 * @param string $post_type Post type.
	 * @return array<string, string> Column labels keyed by name.
	 */
	private function list_columns( $post_type ) {
		set_current_screen( 'edit-' . $post_type );
		do_action( 'load-edit.php' );
		return apply_filters(
			"manage_{$post_type}_posts_columns",
			array(
				'cb'    => '<input type="checkbox" />',
				'title' => 'Title',
				'date'  => 'Date',
			)
		);
	}

	public function test_renders_an_empty_column_cell_with_the_post_id() {
		$this->assertSame(
			'<span class="vip-presence-column" data-vip-presence-post-id="42"></span>',
			vip_presence_column_markup( 42 )
		);
		$this->assertSame( '', vip_presence_column_markup( 0 ) );
	}

	public function test_renders_the_peak_with_when_it_was_reached_and_the_views_under_the_live_count() {
		update_option( 'date_format', 'Y-m-d' );
		update_option( 'time_format', 'H:i' );
		update_option( 'timezone_string', 'UTC' );
		$html = vip_presence_column_markup(
			42,
			array(
				'count'   => 1,
				'peak'    => 1234,
				'peak_at' => 1764489600,
				'views'   => 1,
			)
		);
		$this->assertSame(
			'<span class="vip-presence-column" data-vip-presence-post-id="42"></span>'
			. '<span class="vip-presence-column-totals">'
			. '<span class="vip-presence-column-peak" data-vip-presence-peak="1234" title="Most readers at once, first on 2025-11-30 08:00">Peak <span class="vip-presence-column-peak-value">1,234</span></span>'
			. '<span class="vip-presence-column-views">1 view</span>'
			. '</span>',
			$html
		);
		$never = vip_presence_column_markup(
			7,
			array(
				'count'   => 0,
				'peak'    => 0,
				'peak_at' => null,
				'views'   => 0,
			)
		);
		$this->assertStringContainsString( '<span class="vip-presence-column-peak" data-vip-presence-peak="0">Peak', $never, 'no time before any reader' );
		$this->assertStringContainsString( '0 views', $never );
	}

	public function test_asks_the_server_once_for_the_whole_list_and_leaves_the_totals_out_when_it_cannot_answer() {
		$this->connect_to_presence_server();
		$this->list_columns( 'post' );
		$first  = $this->create_post();
		$second = $this->create_post();
		$GLOBALS['wp_query']->posts = array( get_post( $first ), get_post( $second ) );
		self::presence_server()->answer(
			200,
			'{"counts":{},"stats":{"' . $first . '":{"count":2,"peak":5,"peakAt":1764489600000,"views":40},"' . $second . '":{"count":0,"peak":1,"peakAt":1764489600000,"views":3}}}'
		);
		$cells = $this->render(
			function () use ( $first, $second ) {
				do_action( 'manage_post_posts_custom_column', 'vip_presence', $first );
				do_action( 'manage_post_posts_custom_column', 'vip_presence', $second );
			}
		);
		$requests = self::presence_server()->requests();
		$this->assertCount( 1, $requests, 'one request for the list' );
		$this->assertStringStartsWith( '/api/v1/counts?postIds=' . min( $first, $second ) . ',' . max( $first, $second ), $requests[0]['uri'] );
		$this->assertStringContainsString( 'data-vip-presence-peak="5"', $cells );
		$this->assertStringContainsString( '40 views', $cells );
		$this->assertStringContainsString( '3 views', $cells );

		// A row alone (Quick Edit), while the server answers with an error: the live cell, no totals.
		$GLOBALS['wp_query']->posts = array();
		$alone                      = $this->create_post();
		self::presence_server()->answer( 503, '{"error":"unavailable"}' );
		$this->assertSame(
			vip_presence_column_markup( $alone ),
			$this->render(
				function () use ( $alone ) {
					do_action( 'manage_post_posts_custom_column', 'vip_presence', $alone );
				}
			)
		);
	}

	public function test_adds_the_reading_now_column_after_the_title() {
		$columns = vip_presence_add_posts_column(
			array(
				'cb'     => '<input type="checkbox" />',
				'title'  => 'Title',
				'author' => 'Author',
			)
		);
		$this->assertSame( array( 'cb', 'title', 'vip_presence', 'author' ), array_keys( $columns ) );
		$this->assertSame( 'Reading now', $columns['vip_presence'] );
	}

	public function test_adds_the_column_and_its_cells_to_the_lists_of_the_chosen_post_types() {
		$this->configure();
		$this->assertSame( array( 'cb', 'title', 'vip_presence', 'date' ), array_keys( $this->list_columns( 'post' ) ) );
		$post_id = $this->create_post();
		// The configured server is not reachable from the tests: the cell has no totals.
		$this->expectOutputString( vip_presence_column_markup( $post_id ) );
		do_action( 'manage_post_posts_custom_column', 'vip_presence', $post_id );
		do_action( 'manage_post_posts_custom_column', 'author', $post_id );
	}

	public function test_adds_no_column_to_other_lists_or_while_unconfigured() {
		$this->assertSame( array( 'cb', 'title', 'date' ), array_keys( $this->list_columns( 'post' ) ), 'unconfigured' );
		$this->configure();
		$this->assertSame( array( 'cb', 'title', 'date' ), array_keys( $this->list_columns( 'page' ) ), 'pages are not chosen' );
		add_filter(
			'vip_presence_column_post_types',
			function () {
				return array( 'page' );
			}
		);
		$this->assertSame( array( 'cb', 'title', 'vip_presence', 'date' ), array_keys( $this->list_columns( 'page' ) ), 'chosen by the filter' );
	}
}
