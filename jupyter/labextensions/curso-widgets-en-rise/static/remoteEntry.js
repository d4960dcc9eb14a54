// Extensión federada mínima del curso (sin compilar: este archivo es todo su código).
//
// Problema: jupyterlab-rise 0.43.1 presenta el cuaderno en su propia aplicación, con su propio
// núcleo de JupyterLab 4.3, y ese núcleo no pone @jupyterlab/console en el ámbito compartido
// (share scope) de Module Federation. El gestor de widgets de ipywidgets 8.1.9
// (@jupyter-widgets/jupyterlab-manager) lo consume como singleton sin copia propia, así que su
// extensión no carga («Shared module @jupyterlab/console doesn't exist in shared scope default») y
// los widgets salen como texto «VBox(…)» (jupyterlab-contrib/rise#119 y #126).
//
// Arreglo: del módulo solo se usa el token opcional IConsoleTracker (para widgets en consolas, que
// RISE no tiene). Este contenedor, al iniciarse, registra un @jupyterlab/console mínimo con ese
// token, y solo si el ámbito no trae ya uno: en JupyterLab el núcleo lo registra antes y aquí no se
// hace nada; en RISE el gestor de widgets carga y las demostraciones se pintan y responden.
var _JUPYTERLAB;
(function () {
  'use strict';
  _JUPYTERLAB = _JUPYTERLAB || {};
  var NAME = 'curso-widgets-en-rise';

  function consoleModule(scope) {
    var coreutils = scope['@lumino/coreutils'];
    var version = Object.keys(coreutils)[0];
    return coreutils[version].get().then(function (factory) {
      var IConsoleTracker = new (factory().Token)(
        '@jupyterlab/console:IConsoleTracker', 'A widget tracker for code consoles.');
      return function () {
        return { IConsoleTracker: IConsoleTracker };
      };
    });
  }

  _JUPYTERLAB[NAME] = {
    init: function (scope) {
      if (scope['@jupyterlab/console'] || !scope['@lumino/coreutils']) {
        return;
      }
      scope['@jupyterlab/console'] = {
        '0.0.0': { get: function () { return consoleModule(scope); }, from: NAME, eager: false }
      };
    },
    get: function (module) {
      return Promise.reject(new Error('Module "' + module + '" does not exist in container.'));
    }
  };
})();
