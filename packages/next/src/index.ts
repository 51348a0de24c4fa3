export {
  edgeRuntimeMessage,
  type GatewaySource,
  type RouteHandler,
  type SwitchyardRouteHandlers,
  type SwitchyardRouteOptions,
  switchyardRoute,
} from './switchyard-route.js';
