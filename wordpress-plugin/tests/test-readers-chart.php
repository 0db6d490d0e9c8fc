<?php
/**
 * "Readers over time" in the post editor: which editors get the chart (block editor panel, classic
 * editor box), for which posts and users, and what WordPress hands its scripts.
 *
 * @package vip-presence
 */

require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
require_once ABSPATH . 'wp-admin/includes/screen.php';
require_once ABSPATH . 'wp-admin/includes/template.php';

/**
 * Tests of includes/readers-chart.php.
 */
class VIP_Presence_Readers_Chart_Test extends VIP_Presence_Test_Case {

	/**
	 * Sets up the test: the chart scripts registered as the plugin does once build/ exists (the PHP
	 * tests need no build), and no meta boxes.
	 */
	protected function setUp(): void {
		parent::setUp();
		foreach ( array( 'editor-chart', 'classic-chart' ) as $name ) {
			$this->assertTrue( wp_register_script( 'vip-presence-' . $name, plugins_url( 'build/' . $name . '.js', VIP_PRESENCE_PLUGIN_FILE ), array( 'wp-i18n' ), VIP_PRESENCE_VERSION, true ) );
		}
		$GLOBALS['wp_meta_boxes'] = array();
	}

	/**
	 * Opens a post's editor as WordPress does up to the point where it enqueues scripts: post.php's
	 * screen (block editor or classic), the post as the global post, the meta boxes registered, and
	 * the block editor's assets hook when it is the block editor.
	 *
	 * @param int  $post_id      Post id.
	 * @param bool $block_editor Whether it is the block editor.
	 */
	private function open_editor( $post_id, $block_editor ) {
		$post = get_post( $post_id );
		set_current_screen( 'post' );
		get_current_screen()->post_type = $post->post_type;
		get_current_screen()->is_block_editor( $block_editor );
		$GLOBALS['post'] = $post; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- as post.php sets it.
		do_action( 'add_meta_boxes', $post->post_type, $post );
		if ( $block_editor ) {
			do_action( 'enqueue_block_editor_assets' );
		}
	}

	/**
	 * Returns what the editor got: the block editor's script, the classic box and its script.
	 *
	 * @param string $post_type Post type of the screen.
	 * @return array{panel: bool, box: bool, classic_script: bool}
	 */
	private function editor_got( $post_type = 'post' ) {
		return array(
			'panel'          => wp_script_is( 'vip-presence-editor-chart', 'enqueued' ),
			'box'            => isset( $GLOBALS['wp_meta_boxes'][ $post_type ]['side']['default']['vip-presence-readers'] ),
			'classic_script' => wp_script_is( 'vip-presence-classic-chart', 'enqueued' ),
		);
	}

	public function test_gives_the_block_editor_its_panel_and_no_classic_box() {
		$this->configure();
		$this->log_in_as( 'editor' );
		$this->open_editor( $this->create_post(), true );
		$this->assertSame(
			array(
				'panel'          => true,
				'box'            => false,
				'classic_script' => false,
			),
			$this->editor_got()
		);
	}

	public function test_gives_the_classic_editor_a_box_beside_the_publish_box_and_its_own_script() {
		$this->configure();
		$this->log_in_as( 'editor' );
		$post_id = $this->create_post();
		$this->open_editor( $post_id, false );
		$this->assertSame(
			array(
				'panel'          => false,
				'box'            => true,
				'classic_script' => true,
			),
			$this->editor_got()
		);
		$box = $GLOBALS['wp_meta_boxes']['post']['side']['default']['vip-presence-readers'];
		$this->assertSame( 'Readers over time', $box['title'] );
		$this->assertTrue( $box['args']['__back_compat_meta_box'], 'never in the block editor\'s meta box area' );

		$container = $this->first_element(
			$this->render(
				function () use ( $box, $post_id ) {
					call_user_func( $box['callback'], get_post( $post_id ) );
				}
			)
		);
		$this->assertSame( 'vip-presence-readers-chart', $container->getAttribute( 'class' ) );
		$this->assertSame( (string) $post_id, $container->getAttribute( 'data-vip-presence-post-id' ) );
		$this->assertFalse( $container->hasAttribute( 'data-vip-presence-url' ), 'the script asks the route through wp.apiFetch' );
	}

	public function test_hands_the_scripts_the_site_time_zone_but_no_nonce_and_no_credential() {
		$this->configure();
		$this->log_in_as( 'editor' );
		update_option( 'timezone_string', 'Asia/Kolkata' );
		$this->open_editor( $this->create_post(), false );
		$before = implode( '', wp_scripts()->get_data( 'vip-presence-classic-chart', 'before' ) );
		$this->assertMatchesRegularExpression( '/^window\.vipPresenceReadersChart = (\{.*\});$/', $before );
		$settings = json_decode( substr( $before, strlen( 'window.vipPresenceReadersChart = ' ), -1 ), true );
		$this->assertSame(
			array(
				'refreshSeconds' => 60,
				'timeZone'       => 'Asia/Kolkata',
				'offsetMinutes'  => 330,
			),
			$settings,
			'no route and no nonce: wp.apiFetch has WordPress\'s REST root and renews its nonce'
		);
		$this->assertStringNotContainsString( self::SECRET, $before );
		$this->assertTrue( wp_style_is( 'vip-presence-readers-chart', 'enqueued' ) );
	}

	public function test_asks_again_as_often_as_a_filter_says_but_not_more_than_every_5_seconds() {
		$this->assertSame( 60, vip_presence_get_readers_chart_refresh_interval() );
		add_filter(
			'vip_presence_readers_chart_refresh_interval',
			function () {
				return 1;
			}
		);
		$this->assertSame( 5, vip_presence_get_readers_chart_refresh_interval() );
		add_filter(
			'vip_presence_readers_chart_refresh_interval',
			function () {
				return 'often';
			},
			11
		);
		$this->assertSame( 60, vip_presence_get_readers_chart_refresh_interval() );
	}

	public function test_passes_a_fixed_offset_when_the_site_sets_no_city() {
		update_option( 'timezone_string', '' );
		update_option( 'gmt_offset', -3.5 );
		$this->assertSame(
			array(
				'timeZone'      => '',
				'offsetMinutes' => -210,
			),
			vip_presence_readers_chart_zone()
		);
	}

	public function test_shows_nothing_to_users_who_cannot_edit_the_post() {
		$this->configure();
		$post_id = $this->create_post(); // By nobody: not the contributor's.
		$this->log_in_as( 'contributor' );
		$this->open_editor( $post_id, true );
		$this->open_editor( $post_id, false );
		$this->assertSame(
			array(
				'panel'          => false,
				'box'            => false,
				'classic_script' => false,
			),
			$this->editor_got()
		);
		$this->log_in_as( 'author' );
		$own = $this->create_post( array( 'post_author' => get_current_user_id() ) );
		$this->assertTrue( vip_presence_shows_readers_chart( get_post( $own ) ), 'an author sees the readers of their own post' );
		$this->assertFalse( vip_presence_shows_readers_chart( get_post( $post_id ) ) );
	}

	public function test_shows_only_the_post_types_the_plugin_counts() {
		$this->configure();
		$this->log_in_as( 'editor' );
		$page_id = $this->create_post( array( 'post_type' => 'page' ) );
		$this->open_editor( $page_id, true );
		$this->open_editor( $page_id, false );
		$this->assertSame(
			array(
				'panel'          => false,
				'box'            => false,
				'classic_script' => false,
			),
			$this->editor_got( 'page' )
		);

		update_option( 'vip_presence_post_types', array( 'post', 'page' ) );
		$this->assertTrue( vip_presence_shows_readers_chart( get_post( $page_id ) ) );
		add_filter( 'vip_presence_readers_chart_post_types', '__return_empty_array' );
		$this->assertFalse( vip_presence_shows_readers_chart( get_post( $page_id ) ), 'a filter may leave them out' );
	}

	public function test_shows_nothing_while_the_plugin_is_not_configured() {
		$this->log_in_as( 'administrator' );
		$this->open_editor( $this->create_post(), true );
		$this->assertFalse( $this->editor_got()['panel'] );
	}

	public function test_says_an_unpublished_post_has_no_readers_yet() {
		$this->configure();
		$this->log_in_as( 'editor' );
		$draft = $this->create_post( array( 'post_status' => 'draft' ) );
		$this->open_editor( $draft, false );
		$box  = $GLOBALS['wp_meta_boxes']['post']['side']['default']['vip-presence-readers'];
		$html = $this->render(
			function () use ( $box, $draft ) {
				call_user_func( $box['callback'], get_post( $draft ) );
			}
		);
		$this->assertSame( '<p class="vip-presence-readers-chart-empty">No readers yet: readers are counted once the post is published.</p>', $html );
	}

	public function test_leaves_the_site_and_widgets_editors_alone() {
		$this->configure();
		$this->log_in_as( 'administrator' );
		$GLOBALS['post'] = get_post( $this->create_post() ); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- a post left global by anything.
		set_current_screen( 'widgets' );
		get_current_screen()->is_block_editor( true );
		do_action( 'enqueue_block_editor_assets' );
		$this->assertFalse( wp_script_is( 'vip-presence-editor-chart', 'enqueued' ) );
	}
}
