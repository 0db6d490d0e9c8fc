<?php
/**
 * Base class of the plugin's unit tests: fresh WordPress stubs for every test, and helpers.
 *
 * @package vip-presence
 */

use PHPUnit\Framework\TestCase;

/**
 * Resets the stubbed WordPress state before each test.
 */
abstract class VIP_Presence_Test_Case extends TestCase {

	/**
	 * Resets the stubs.
	 */
	protected function setUp(): void {
		parent::setUp();
		$GLOBALS['vip_presence_stubs'] = vip_presence_stubs_initial_state();
	}

	/**
	 * Stores an option value.
	 *
	 * @param string $name  Option name.
	 * @param mixed  $value Value.
	 */
	protected function set_option( $name, $value ) {
		$GLOBALS['vip_presence_stubs']['options'][ $name ] = $value;
	}

	/**
	 * Configures the plugin (server URL, and a secret unless '' is given).
	 *
	 * @param string $secret Secret.
	 */
	protected function configure( $secret = 'a-long-enough-test-secret' ) {
		$this->set_option( 'vip_presence_server_url', 'https://presence.example.com' );
		$this->set_option( 'vip_presence_secret', $secret );
	}

	/**
	 * Returns the settings errors added so far.
	 *
	 * @return array<int, array<string, string>>
	 */
	protected function settings_errors() {
		return $GLOBALS['vip_presence_stubs']['settings_errors'];
	}

	/**
	 * Adds a post the stubbed get_post() returns.
	 *
	 * @param int                  $id     Post id.
	 * @param array<string, mixed> $fields Other fields.
	 */
	protected function add_post( $id, array $fields = array() ) {
		$GLOBALS['vip_presence_stubs']['posts'][ $id ] = new WP_Post( array_merge( array( 'ID' => $id ), $fields ) );
	}

	/**
	 * Queues an HTTP response for the next wp_remote_get().
	 *
	 * @param int|WP_Error $status HTTP status, or an error.
	 * @param string       $body   Body.
	 */
	protected function queue_http_response( $status, $body = '' ) {
		$GLOBALS['vip_presence_stubs']['http_responses'][] = $status instanceof WP_Error
			? $status
			: array(
				'response' => array( 'code' => $status ),
				'body'     => $body,
			);
	}

	/**
	 * Returns the HTTP requests made so far.
	 *
	 * @return array<int, array{url: string, args: array<string, mixed>}>
	 */
	protected function http_requests() {
		return $GLOBALS['vip_presence_stubs']['http_requests'];
	}

	/**
	 * Parses an HTML fragment whose first element is checked by the tests.
	 *
	 * @param string $html HTML.
	 * @return DOMElement The first element.
	 */
	protected function first_element( $html ) {
		$document = new DOMDocument();
		$this->assertTrue( $document->loadHTML( '<!DOCTYPE html><html><body>' . $html . '</body></html>', LIBXML_NOERROR ) );
		$body = $document->getElementsByTagName( 'body' )->item( 0 );
		foreach ( $body->childNodes as $node ) {
			if ( $node instanceof DOMElement ) {
				return $node;
			}
		}
		$this->fail( 'No element in: ' . $html );
	}
}
