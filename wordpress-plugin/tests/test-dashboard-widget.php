<?php
/**
 * The "Most read right now" dashboard widget: the server's top list as linked post titles.
 *
 * @package vip-presence
 */

require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
require_once ABSPATH . 'wp-admin/includes/screen.php';
require_once ABSPATH . 'wp-admin/includes/template.php';
require_once ABSPATH . 'wp-admin/includes/dashboard.php';

/**
 * Tests of includes/dashboard-widget.php.
 */
class VIP_Presence_Dashboard_Widget_Test extends VIP_Presence_Test_Case {

	public function test_lists_the_top_posts_with_escaped_linked_titles() {
		$user_id = $this->log_in_as( 'administrator' ); // May put markup in titles (unfiltered_html).
		if ( is_multisite() ) {
			grant_super_admin( $user_id ); // In a network, only super admins have unfiltered_html.
			kses_init(); // As the user's next request would: no kses filters on their titles.
		}
		$news     = $this->create_post( array( 'post_title' => 'Breaking <news> & "more"' ) );
		$untitled = $this->create_post( array( 'post_title' => '', 'post_content' => 'No title.' ) );
		$deleted  = $this->create_post();
		wp_delete_post( $deleted, true );
		$items = vip_presence_get_top_posts_items(
			array(
				array( 'post_id' => $news, 'count' => 1 ),
				array( 'post_id' => $deleted, 'count' => 5 ),
				array( 'post_id' => $untitled, 'count' => 1234 ),
			)
		);
		$this->assertCount( 2, $items, 'posts that no longer exist are left out' );
		// The title as themes print it (get_the_title() texturizes quotes and "&"), escaped once more.
		$this->assertSame(
			'<ol class="vip-presence-top-posts">'
			. '<li data-vip-presence-post-id="' . $news . '" data-vip-presence-count="1"><a href="http://example.org/?p=' . $news . '">Breaking &lt;news&gt; &#038; &#8220;more&#8221;</a> <span class="vip-presence-top-posts-count">1 person reading</span></li>'
			. '<li data-vip-presence-post-id="' . $untitled . '" data-vip-presence-count="1234"><a href="http://example.org/?p=' . $untitled . '">(no title)</a> <span class="vip-presence-top-posts-count">1,234 people reading</span></li>'
			. '</ol>',
			vip_presence_top_posts_markup( $items ),
			'no peak or views from a server before 0.2'
		);
		$this->assertSame( 0, $this->count_elements( vip_presence_top_posts_markup( $items ), 'news' ) );
	}

	public function test_shows_the_peak_and_the_views_of_each_post() {
		$this->log_in_as( 'editor' );
		$post_id = $this->create_post( array( 'post_title' => 'Peaked' ) );
		$items   = vip_presence_get_top_posts_items(
			array(
				array(
					'post_id' => $post_id,
					'count'   => 2,
					'peak'    => 1500,
					'peak_at' => 1764489600,
					'views'   => 1,
				),
			)
		);
		$this->assertSame(
			'<ol class="vip-presence-top-posts">'
			. '<li data-vip-presence-post-id="' . $post_id . '" data-vip-presence-count="2" data-vip-presence-peak="1500" data-vip-presence-views="1"><a href="http://example.org/?p=' . $post_id . '">Peaked</a> <span class="vip-presence-top-posts-count">2 people reading</span>'
			. ' <span class="vip-presence-top-posts-totals">Peak 1,500 · 1 view</span></li>'
			. '</ol>',
			vip_presence_top_posts_markup( $items )
		);
	}

	public function test_renders_a_container_the_script_keeps_live_and_enqueues_the_script() {
		$this->log_in_as( 'editor' );
		$this->connect_to_presence_server();
		// As the plugin registers it once build/ exists (the PHP tests need no build).
		$this->assertTrue( wp_register_script( 'vip-presence-client', plugins_url( 'build/client.js', VIP_PRESENCE_PLUGIN_FILE ), array(), VIP_PRESENCE_VERSION, true ) );
		$this->assertTrue( wp_register_script( 'vip-presence-dashboard-widget', plugins_url( 'build/dashboard-widget.js', VIP_PRESENCE_PLUGIN_FILE ), array( 'vip-presence-client' ), VIP_PRESENCE_VERSION, true ) );
		self::presence_server()->answer( 200, '{"posts":[]}' );
		$container = $this->first_element( $this->render( 'vip_presence_render_dashboard_widget' ) );
		$this->assertSame( 'vip-presence-top', $container->getAttribute( 'class' ) );
		// The script asks the route through wp.apiFetch, which has WordPress's REST root and nonce.
		$this->assertFalse( $container->hasAttribute( 'data-vip-presence-top-url' ) );
		$this->assertFalse( $container->hasAttribute( 'data-vip-presence-nonce' ) );
		$this->assertSame( '10', $container->getAttribute( 'data-vip-presence-limit' ) );
		$this->assertSame( '15', $container->getAttribute( 'data-vip-presence-refresh' ) );
		$this->assertStringContainsString( 'Nobody is reading', $container->textContent );

		set_current_screen( 'dashboard' );
		vip_presence_add_dashboard_widget();
		$this->assertTrue( wp_script_is( 'vip-presence-dashboard-widget', 'enqueued' ) );
		$settings = implode( '', wp_scripts()->get_data( 'vip-presence-client', 'before' ) ); // Printed before the SDK.
		$this->assertStringContainsString( '"tokens":{}', $settings, 'no tokens: it only watches' );
		$this->assertStringNotContainsString( self::SECRET, $settings, 'and never a credential' );
	}

	public function test_asks_for_the_list_again_as_often_as_a_filter_says_but_not_more_than_every_5_seconds() {
		$this->assertSame( 15, vip_presence_get_top_posts_refresh_interval() );
		add_filter(
			'vip_presence_top_posts_refresh_interval',
			function () {
				return 1;
			}
		);
		$this->assertSame( 5, vip_presence_get_top_posts_refresh_interval() );
	}

	public function test_leaves_out_posts_the_user_may_not_read() {
		$draft = $this->create_post( array( 'post_status' => 'draft' ) );
		$top   = array( array( 'post_id' => $draft, 'count' => 2 ) );
		$this->log_in_as( 'contributor' );
		$this->assertSame( array(), vip_presence_get_top_posts_items( $top ) );
		$this->log_in_as( 'editor' );
		$this->assertCount( 1, vip_presence_get_top_posts_items( $top ) );
	}

	public function test_says_so_calmly_when_nobody_reads() {
		$this->assertStringContainsString( 'Nobody is reading', vip_presence_top_posts_markup( array() ) );
	}

	public function test_shows_what_the_server_reports() {
		$this->log_in_as( 'editor' );
		$post_id = $this->create_post( array( 'post_title' => 'Most read' ) );
		$this->connect_to_presence_server();
		self::presence_server()->answer( 200, '{"posts":[{"postId":' . $post_id . ',"count":3}]}' );
		$link = $this->first_element( $this->render( 'vip_presence_render_dashboard_widget' ) )->getElementsByTagName( 'a' )->item( 0 );
		$this->assertSame( get_permalink( $post_id ), $link->getAttribute( 'href' ) );
		$this->assertSame( 'Most read', $link->textContent );
	}

	public function test_hands_each_posts_last_hour_to_the_script_that_draws_its_trend_line() {
		$this->log_in_as( 'editor' );
		$post_id = $this->create_post();
		$this->connect_to_presence_server();
		self::presence_server()->answer(
			200,
			'{"posts":[{"postId":' . $post_id . ',"count":3,"peak":9,"peakAt":1764489600123,"views":120,"series":{"from":1764489480000,"bucketMs":60000,"max":[null,4,3],"mean":[null,2.5,3]}}]}'
		);
		$item = $this->first_element( $this->render( 'vip_presence_render_dashboard_widget' ) )->getElementsByTagName( 'li' )->item( 0 );
		$this->assertSame(
			array(
				'from'     => 1764489480000,
				'bucketMs' => 60000,
				'max'      => array( null, 4, 3 ),
				'mean'     => array( null, 2.5, 3 ),
			),
			json_decode( $item->getAttribute( 'data-vip-presence-series' ), true )
		);
		$this->assertSame( '/api/v1/top?limit=10&series=60&site=' . vip_presence_get_site_key(), self::presence_server()->requests()[0]['uri'] );
	}

	public function test_says_the_server_is_not_answering_and_tells_only_administrators_why() {
		$this->configure( self::SECRET, VIP_Presence_Test_Server::unreachable_url() );
		$this->log_in_as( 'editor' );
		$html = $this->render( 'vip_presence_render_dashboard_widget' );
		$this->assertStringContainsString( 'not answering right now', $html );
		$this->assertStringNotContainsString( 'could not be reached', $html );

		$this->log_in_as( 'administrator' );
		$this->assertStringContainsString( 'could not be reached', $this->render( 'vip_presence_render_dashboard_widget' ) );
	}

	public function test_links_the_settings_for_administrators_while_unconfigured() {
		$this->log_in_as( 'editor' );
		$this->assertStringNotContainsString( 'options-general.php?page=vip-presence', $this->render( 'vip_presence_render_dashboard_widget' ) );
		$this->log_in_as( 'administrator' );
		$this->assertStringContainsString( 'http://example.org/wp-admin/options-general.php?page=vip-presence', $this->render( 'vip_presence_render_dashboard_widget' ) );
	}
}
