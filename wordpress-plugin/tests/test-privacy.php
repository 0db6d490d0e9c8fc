<?php
/**
 * Privacy: the suggested privacy policy text, the consent filter, and the translations setup.
 *
 * @package vip-presence
 */

require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
require_once ABSPATH . 'wp-admin/includes/screen.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-privacy-policy-content.php';

/**
 * Tests of includes/privacy.php.
 */
class VIP_Presence_Privacy_Test extends VIP_Presence_Test_Case {

	/**
	 * Opens an admin screen as an administrator, fires admin_init as wp-admin does, and returns the
	 * text the plugin suggests on Settings > Privacy (as WordPress keeps it for the policy guide).
	 *
	 * @return string The plugin's suggested text ('' when it suggests none).
	 */
	private function suggested_policy_text() {
		$this->log_in_as( 'administrator' );
		set_current_screen( 'options-privacy' );
		$this->assertTrue( is_admin() );
		// WordPress's update checks would ask wordpress.org, which the tests do not reach.
		remove_action( 'admin_init', '_maybe_update_core' );
		remove_action( 'admin_init', '_maybe_update_plugins' );
		remove_action( 'admin_init', '_maybe_update_themes' );
		do_action( 'admin_init' );
		$text = '';
		foreach ( WP_Privacy_Policy_Content::get_suggested_policy_text() as $policy ) {
			if ( 'VIP Presence' === $policy['plugin_name'] || 'VIP PRESENCE' === $policy['plugin_name'] ) {
				$text = $policy['policy_text']; // The last one added: what this test's admin_init added.
			}
		}
		return $text;
	}

	public function test_suggests_privacy_policy_text_that_says_what_is_stored_and_what_is_not() {
		$this->assertSame( 10, has_action( 'admin_init', 'vip_presence_add_privacy_policy_content' ) );
		$text = wp_strip_all_tags( $this->suggested_policy_text() );
		$this->assertStringContainsString( 'random visitor id in its local storage (not a cookie)', $text );
		$this->assertStringContainsString( 'not tied to your account', $text );
		$this->assertStringContainsString( 'number of views and viewers of each post', $text );
		$this->assertStringContainsString( 'the most viewers it had at once', $text );
		$this->assertStringContainsString( 'uses your IP address to limit the number of connections, and of readers of one post', $text );
		$this->assertStringContainsString( 'It does not store the address: only a one-way digest of it, while you are connected.', $text );
	}

	public function test_the_suggested_text_is_translatable() {
		add_filter(
			'gettext',
			function ( $translation, $text, $domain ) {
				return 'vip-presence' === $domain ? strtoupper( $text ) : $translation;
			},
			10,
			3
		);
		$text = wp_strip_all_tags( $this->suggested_policy_text() );
		$this->assertStringContainsString( 'USES YOUR IP ADDRESS', $text );
		$this->assertStringNotContainsString( 'uses your IP address', $text );
	}

	public function test_counts_the_reader_unless_a_consent_tool_says_no() {
		$this->configure();
		$post_id = $this->create_post();
		$this->go_to( get_permalink( $post_id ) );
		$this->register_widget_script();
		$this->assertTrue( vip_presence_can_count() );
		$this->assertSame( 'view', $this->first_element( vip_presence_get_widget() )->getAttribute( 'data-vip-presence-mode' ) );
		$this->assertTrue( wp_script_is( 'vip-presence-widget', 'enqueued' ) );
		$this->assertContains( $post_id, vip_presence_page_post_ids() );
	}

	public function test_loads_no_presence_script_and_prints_no_widget_until_the_reader_consents() {
		$this->configure();
		$post_id = $this->create_post( array( 'post_content' => 'The content.' ) );
		$this->go_to( get_permalink( $post_id ) );
		$this->register_widget_script();
		add_filter( 'vip_presence_can_count', '__return_false' );

		$this->assertFalse( vip_presence_can_count() );
		$this->assertSame( '', vip_presence_get_widget(), 'template tag' );
		$this->assertSame( '', do_shortcode( '[vip_presence]' ), 'shortcode' );
		$this->assertSame( '', vip_presence_render_block(), 'block' );
		$this->assertFalse( vip_presence_enqueue_widget_script( $post_id ), 'theme code that enqueues the SDK itself' );
		$this->assertFalse( wp_script_is( 'vip-presence-widget', 'enqueued' ) );
		$this->assertNotContains( $post_id, vip_presence_page_post_ids(), 'no token for it' );

		$footer = $this->render(
			function () {
				do_action( 'wp_print_footer_scripts' );
			}
		);
		$this->assertStringNotContainsString( 'vipPresenceSettings', $footer );
		$this->assertStringNotContainsString( 'vip-presence', $footer );
	}

	public function test_declares_where_its_translations_live() {
		$header = get_plugin_data( VIP_PRESENCE_PLUGIN_FILE, false, false );
		$this->assertSame( 'vip-presence', $header['TextDomain'] );
		$this->assertSame( '/languages', $header['DomainPath'] );
		$this->assertFileExists( VIP_PRESENCE_PLUGIN_DIR . '/languages/vip-presence.pot' );
	}
}
