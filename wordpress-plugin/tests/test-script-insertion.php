<?php
/**
 * How a post page loads the SDK and the widget script.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/script-insertion.php.
 */
class VIP_Presence_Script_Insertion_Test extends VIP_Presence_Test_Case {

	/**
	 * The footer of a post page with a widget, the plugin's scripts registered as the plugin does.
	 *
	 * @return string HTML.
	 */
	private function post_page_footer() {
		$this->configure();
		wp_deregister_script( 'vip-presence-client' );
		wp_deregister_script( 'vip-presence-widget' );
		vip_presence_register_scripts();
		$this->go_to( get_permalink( $this->create_post() ) );
		$this->assertNotSame( '', vip_presence_get_widget() );
		return $this->render(
			function () {
				do_action( 'wp_print_footer_scripts' );
			}
		);
	}

	/**
	 * The page's `<script>` elements: id => [ src, text ].
	 *
	 * @param string $html HTML.
	 * @return array<string, array{0: string, 1: string}>
	 */
	private function scripts( $html ) {
		$scripts = array();
		foreach ( $this->parse_html( $html )->getElementsByTagName( 'script' ) as $script ) {
			$scripts[ $script->getAttribute( 'id' ) ] = array( $script->getAttribute( 'src' ), $script->textContent );
		}
		return $scripts;
	}

	public function test_a_post_page_inserts_the_sdk_then_the_widget_script_in_order() {
		$scripts = $this->scripts( $this->post_page_footer() );
		$this->assertSame( array( 'vip-presence-client-js-before', 'vip-presence-client-js-insert', 'vip-presence-widget-js-before', 'vip-presence-widget-js-insert' ), array_keys( $scripts ) );
		foreach ( array( 'vip-presence-client' => 'client', 'vip-presence-widget' => 'widget' ) as $handle => $name ) {
			list( $src, $text ) = $scripts[ $handle . '-js-insert' ];
			$this->assertSame( '', $src, 'an inline script, not <script src>' );
			$url = plugins_url( 'build/' . $name . '.js', VIP_PRESENCE_PLUGIN_FILE ) . '?ver=' . vip_presence_get_asset( $name )['version'];
			$this->assertStringContainsString( 's.src=' . wp_json_encode( $url, JSON_UNESCAPED_SLASHES ) . ';', $text );
			$this->assertStringContainsString( 's.id="' . $handle . '-js";', $text );
			$this->assertStringContainsString( 's.async=false;', $text, 'inserted scripts run in the order they were inserted' );
		}
	}

	public function test_prints_both_as_usual_when_another_script_depends_on_the_sdk() {
		wp_enqueue_script( 'theme-presence', 'https://example.com/theme-presence.js', array( 'vip-presence-client' ), '1', true );
		$scripts = $this->scripts( $this->post_page_footer() );
		$this->assertArrayNotHasKey( 'vip-presence-client-js-insert', $scripts );
		$this->assertArrayNotHasKey( 'vip-presence-widget-js-insert', $scripts );
		$this->assertStringContainsString( '/build/client.js', $scripts['vip-presence-client-js'][0] );
		$this->assertStringContainsString( '/build/widget.js', $scripts['vip-presence-widget-js'][0] );
		$ids = array_keys( $scripts );
		$this->assertLessThan( array_search( 'theme-presence-js', $ids, true ), array_search( 'vip-presence-client-js', $ids, true ), 'the SDK before the script that needs it' );
	}

	public function test_prints_both_as_usual_when_another_script_depends_on_the_widget_script() {
		wp_enqueue_script( 'theme-widgets', 'https://example.com/theme-widgets.js', array( 'vip-presence-widget' ), '1', true );
		$scripts = $this->scripts( $this->post_page_footer() );
		$this->assertArrayHasKey( 'vip-presence-client-js', $scripts );
		$this->assertArrayHasKey( 'vip-presence-widget-js', $scripts );
	}

	public function test_the_filter_turns_insertion_off() {
		add_filter( 'vip_presence_insert_scripts', '__return_false' );
		$scripts = $this->scripts( $this->post_page_footer() );
		remove_filter( 'vip_presence_insert_scripts', '__return_false' );
		$this->assertSame( array( 'vip-presence-client-js-before', 'vip-presence-client-js', 'vip-presence-widget-js-before', 'vip-presence-widget-js' ), array_keys( $scripts ) );
	}

	public function test_admin_screens_print_the_sdk_as_usual() {
		set_current_screen( 'dashboard' );
		$this->assertFalse( vip_presence_inserts_scripts() );
		$tag = "<script src='https://example.com/client.js' id='vip-presence-client-js'></script>\n";
		$this->assertSame( $tag, vip_presence_insert_script_tag( $tag, 'vip-presence-client', 'https://example.com/client.js' ) );
		set_current_screen( 'front' );
	}
}
